"""``/__emulator``: health, reset and a look at the state. Local use only.

    GET  /__emulator/health  {"status": "ok", "files": N, "persistent": bool}
    POST /__emulator/reset   forget everything (in-memory emulators only; 409 otherwise)
    GET  /__emulator/files   every file: id, name, mimeType, owner, trashed, permissions
    GET  /__emulator/clock   {"now", "offset_s", "real"}: the emulator's time
    POST /__emulator/clock   {"now": RFC 3339} or {"advance_s": N}: move it (it ticks on)
    DELETE /__emulator/clock back to real time

Faults, counters, race hooks, tokens, channels and invitations have their control
endpoints in their own modules (see ``docs/emulator.md``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, jsonify, request

from emulator.errors import GoogleApiError
from emulator.state import EmulatorState


def register(app: Flask, state: EmulatorState) -> None:
    @app.get("/__emulator/health", endpoint="emulator.health")
    def _health() -> Any:
        """Is the emulator up."""
        with state.lock:
            count = len(state.files)
        return jsonify({"status": "ok", "files": count, "persistent": state.data_dir is not None})

    @app.post("/__emulator/reset", endpoint="emulator.reset")
    def _reset() -> Any:
        """Forget all files, tokens, channels, faults, counters and hooks."""
        if state.data_dir is not None:
            raise GoogleApiError(
                409,
                "Reset is only for in-memory emulators; this one keeps its state on disk.",
                status="FAILED_PRECONDITION",
            )
        state.reset()
        return jsonify({})

    @app.get("/__emulator/clock", endpoint="emulator.clock.get")
    def _clock() -> Any:
        """The emulator's time (Drive's file times, channel expiry, TODAY())."""
        return jsonify(state.clock.to_json())

    @app.post("/__emulator/clock", endpoint="emulator.clock.set")
    def _set_clock() -> Any:
        """Move the emulator's time: to an instant, or forward by some seconds."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or ("now" in body) == ("advance_s" in body):
            raise GoogleApiError(400, 'Send {"now": "<RFC 3339 time>"} or {"advance_s": N}.')
        if "now" in body:
            try:
                instant = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
                state.clock.set(instant)
            except ValueError:
                raise GoogleApiError(400, "now: an RFC 3339 time with a zone is needed") from None
        else:
            advance = body["advance_s"]
            if isinstance(advance, bool) or not isinstance(advance, int | float):
                raise GoogleApiError(400, "advance_s: a number of seconds is needed")
            try:
                state.clock.advance(float(advance))
            except ValueError as exc:
                raise GoogleApiError(409, str(exc), status="FAILED_PRECONDITION") from None
        return jsonify(state.clock.to_json())

    @app.delete("/__emulator/clock", endpoint="emulator.clock.reset")
    def _reset_clock() -> Any:
        """Back to real time."""
        state.clock.reset()
        return jsonify(state.clock.to_json())

    @app.get("/__emulator/files", endpoint="emulator.files")
    def _files() -> Any:
        """Every file with its owner and sharing, for tests and debugging."""
        with state.lock:
            files = [
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
        return jsonify({"files": files})
