"""``/__emulator``: the control endpoints, for tests and local use only.

    GET    /__emulator/health         {"status": "ok", "files": N, "persistent": bool}
    POST   /__emulator/reset          forget everything (in-memory emulators only; 409
                                      otherwise)
    GET    /__emulator/files          every file: id, name, mimeType, owner, trashed,
                                      version, permissions
    GET    /__emulator/clock          {"now", "offset_s", "real"}: the emulator's time
    POST   /__emulator/clock          {"now": RFC 3339} or {"advance_s": N}: move it (it
                                      ticks on)
    DELETE /__emulator/clock          back to real time
    GET    /__emulator/channels       open watch channels (tokens left out)
    GET    /__emulator/notifications  [?to=EMAIL&file_id=ID] the invitations Drive would
                                      have emailed
    DELETE /__emulator/notifications  forget them

Counters, faults, quotas, race hooks and minted credentials keep their endpoints in their own
modules; their blueprints are nested in this one, so every control endpoint is named
``emulator.<part>.<action>`` (``emulator.faults.add``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, request

from emulator import counters, credentials, faults, quotas, race_hooks, secret_manager
from emulator.context import current_state
from emulator.drive.permissions import outbox
from emulator.drive.push import channel_book
from emulator.errors import GoogleApiError

blueprint = Blueprint("emulator", __name__, url_prefix="/__emulator")
clock = Blueprint("clock", __name__)
channels = Blueprint("channels", __name__)
notifications = Blueprint("notifications", __name__)


@blueprint.get("/health", endpoint="health")
def health() -> Any:
    """Is the emulator up."""
    state = current_state()
    with state.lock:
        count = len(state.files)
    return jsonify({"status": "ok", "files": count, "persistent": state.data_dir is not None})


@blueprint.post("/reset", endpoint="reset")
def reset() -> Any:
    """Forget all files, tokens, channels, faults, counters and hooks."""
    state = current_state()
    if state.data_dir is not None:
        raise GoogleApiError(
            409,
            "Reset is only for in-memory emulators; this one keeps its state on disk.",
            status="FAILED_PRECONDITION",
        )
    state.reset()
    return jsonify({})


@blueprint.get("/files", endpoint="files")
def files() -> Any:
    """Every file with its owner and sharing, for tests and debugging."""
    state = current_state()
    with state.lock:
        listed = [
            {
                "id": f.id,
                "name": f.name,
                "mimeType": f.mime_type,
                "owner": f.owner,
                "trashed": f.trashed,
                "version": f.version,
                "permissions": [
                    {
                        "type": p.type,
                        "role": p.role,
                        "emailAddress": p.email_address,
                        "domain": p.domain,
                    }
                    for p in f.permissions
                ],
            }
            for f in state.files.values()
        ]
    return jsonify({"files": listed})


@clock.get("/clock", endpoint="get")
def show_clock() -> Any:
    """The emulator's time (Drive's file times, channel expiry, TODAY())."""
    return jsonify(current_state().clock.to_json())


@clock.post("/clock", endpoint="set")
def set_clock() -> Any:
    """Move the emulator's time: to an instant, or forward by some seconds."""
    emulator_clock = current_state().clock
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or ("now" in body) == ("advance_s" in body):
        raise GoogleApiError(400, 'Send {"now": "<RFC 3339 time>"} or {"advance_s": N}.')
    if "now" in body:
        try:
            instant = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
            emulator_clock.set(instant)
        except ValueError:
            raise GoogleApiError(400, "now: an RFC 3339 time with a zone is needed") from None
    else:
        advance = body["advance_s"]
        if isinstance(advance, bool) or not isinstance(advance, int | float):
            raise GoogleApiError(400, "advance_s: a number of seconds is needed")
        try:
            emulator_clock.advance(float(advance))
        except ValueError as exc:
            raise GoogleApiError(409, str(exc), status="FAILED_PRECONDITION") from None
    return jsonify(emulator_clock.to_json())


@clock.delete("/clock", endpoint="reset")
def reset_clock() -> Any:
    """Back to real time."""
    emulator_clock = current_state().clock
    emulator_clock.reset()
    return jsonify(emulator_clock.to_json())


@channels.get("/channels", endpoint="list")
def open_channels() -> Any:
    """Open channels (tokens left out), for tests and the preview."""
    items = []
    for channel in channel_book(current_state()).all():
        item = channel.api_json()
        item.pop("token", None)
        item["fileId"] = channel.file_id
        item["address"] = channel.address
        item["messageNumber"] = channel.message_number
        items.append(item)
    return jsonify({"channels": items})


@notifications.get("/notifications", endpoint="list")
def sent_invitations() -> Any:
    """The invitations Drive would have emailed, oldest first."""
    mails = outbox(current_state()).list(request.args.get("to"), request.args.get("file_id"))
    return jsonify({"notifications": mails})


@notifications.delete("/notifications", endpoint="clear")
def clear_invitations() -> Any:
    state = current_state()
    outbox(state).clear()
    state.touch()
    return jsonify({})


for part in (
    clock,
    counters.blueprint,
    faults.blueprint,
    quotas.blueprint,
    secret_manager.blueprint,
    race_hooks.blueprint,
    credentials.blueprint,
    channels,
    notifications,
):
    blueprint.register_blueprint(part)
