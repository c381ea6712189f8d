"""The preview's pages and JSON endpoints, under ``/preview``.

Pages:
    GET  /preview                        every spreadsheet, with links
    GET  /preview/<spreadsheet id>       one spreadsheet, live (the backend's MAP link)
    GET  /preview/create                 the add-on's Create MAP dialog
    GET  /preview/pipeline               the add-on's Pipeline dialog
    GET  /preview/addon/<dialog>         a dialog of the add-on with the stand-in
JSON (errors in Google's shape, as the emulator's APIs answer):
    GET  /preview/api/sheets/<id>?as=EMAIL             the view model, as EMAIL sees it
    GET  /preview/api/sheets/<id>/changes?since=N      the version once it is not N
    POST /preview/api/sheets/<id>/cell                 {as, sheet_id, row, col, value}
    POST /preview/api/sheets/<id>/rows                 {as, sheet_id, row, change}
    POST /preview/api/sheets/<id>/live-updates         {enabled}
    POST /preview/api/addon/call                       {user, method, path, body, seller_token}
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from emulator.context import base_url, current_state
from emulator.errors import GoogleApiError
from emulator.preview import acting, addon, grid_view, triggers
from emulator.preview.feed import version_feed
from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from emulator.state import SPREADSHEET_MIME, DriveFile, EmulatorState
from emulator.users import is_service_account

LONG_POLL_S = 25.0
MAX_LONG_POLL_S = 55.0
NEEDS_BACKEND = "The add-on's dialogs need the backend: run python -m service serve."

blueprint = Blueprint(
    "preview",
    __name__,
    url_prefix="/preview",
    template_folder="templates",
    static_folder="static",
)


def attach(state: EmulatorState) -> None:
    """Follow file versions for the live view; forget live updates on reset."""
    version_feed(state)
    state.on_reset(triggers.live_updates(state).reset)


# -- pages ------------------------------------------------------------------------------
@blueprint.get("/")
def index() -> Any:
    state = current_state()
    with state.lock:
        files = sorted(
            (f for f in state.files.values() if _spreadsheet_file(state, f.id) is not None),
            key=lambda f: f.modified_time,
            reverse=True,
        )
        listed = [
            {
                "id": f.id,
                "name": f.name,
                "owner": f.owner,
                "shared": [p["email"] for p in _people(f) if p["role"] != "owner"],
                "modified": f.modified_time[:16].replace("T", " "),
            }
            for f in files
        ]
    return render_template("preview/index.html", files=listed, addon=_addon() is not None)


@blueprint.get("/<spreadsheet_id>")
def sheet_page(spreadsheet_id: str) -> Any:
    file = _spreadsheet_file(current_state(), spreadsheet_id)
    if file is None:
        html = render_template("preview/missing.html", spreadsheet_id=spreadsheet_id)
        return Response(html, status=404, mimetype="text/html")
    return render_template(
        "preview/sheet.html", file_id=file.id, name=file.name, addon=_addon() is not None
    )


@blueprint.get("/create")
def create_page() -> Any:
    return render_template("preview/addon_page.html", dialog="CreateMap", addon=_addon())


@blueprint.get("/pipeline")
def pipeline_page() -> Any:
    return render_template("preview/addon_page.html", dialog="Pipeline", addon=_addon())


@blueprint.get("/addon/<dialog>")
def addon_dialog(dialog: str) -> Any:
    config = _addon()
    if config is None:
        return _unavailable(NEEDS_BACKEND)
    tags = render_template("preview/standin_tags.html", scripts=addon.SCRIPTS)
    try:
        html = addon.dialog_html(config, dialog, tags)
    except addon.AddonUnavailable as exc:
        return _unavailable(str(exc))
    return Response(html, mimetype="text/html")


@blueprint.get("/addon/src/<name>")
def addon_script(name: str) -> Any:
    config = _addon()
    if config is None:
        return _unavailable("The add-on needs the backend.")
    try:
        text = addon.script_text(config, name)
    except addon.AddonUnavailable as exc:
        return _unavailable(str(exc))
    return Response(text, mimetype="text/javascript")


# -- the sheet --------------------------------------------------------------------------
@blueprint.get("/api/sheets/<spreadsheet_id>")
def sheet_view(spreadsheet_id: str) -> Any:
    state = current_state()
    with state.lock:
        file = _spreadsheet_file(state, spreadsheet_id)
        if file is None:
            raise GoogleApiError(404, "Requested entity was not found.")
        viewer = _email(request.args.get("as") or file.owner)
        state.authorize(spreadsheet_id, viewer, "reader")
        version = file.version
        resource = spreadsheet_resource(state, spreadsheet_id)
        people = _people(file)
        owner = file.owner
    seller = triggers.live_updates(state).installer(spreadsheet_id)
    return jsonify(
        {
            "spreadsheet_id": spreadsheet_id,
            "title": resource.get("properties", {}).get("title", ""),
            "version": version,
            "owner": owner,
            "viewer": {"email": viewer, "role": file.role_of(viewer)},
            "people": people,
            "tabs": grid_view.spreadsheet_view(resource),
            "live_updates": {
                "available": _addon() is not None,
                "enabled": seller is not None,
                "seller": seller,
            },
        }
    )


@blueprint.get("/api/sheets/<spreadsheet_id>/changes")
def changes(spreadsheet_id: str) -> Any:
    try:
        since = int(request.args.get("since", "0"))
        wait = float(request.args.get("timeout", LONG_POLL_S))
    except ValueError as exc:
        raise GoogleApiError(400, "'since' and 'timeout' must be numbers.") from exc
    wait = max(0.0, min(wait, MAX_LONG_POLL_S))
    return jsonify({"version": version_feed(current_state()).wait(spreadsheet_id, since, wait)})


@blueprint.post("/api/sheets/<spreadsheet_id>/cell")
def edit_cell(spreadsheet_id: str) -> Any:
    data = _body()
    value = data.get("value")
    if not isinstance(value, str):
        raise GoogleApiError(400, "'value' must be text (what the person typed).")
    edited = acting.edit_cell(
        current_state(),
        spreadsheet_id,
        _email(data.get("as")),
        _index(data.get("sheet_id"), "sheet_id"),
        _index(data.get("row"), "row"),
        _index(data.get("col"), "col"),
        value,
    )
    _fire_triggers(edited)
    return jsonify({"sheet": edited.sheet, "a1": edited.a1, "value": edited.value})


@blueprint.post("/api/sheets/<spreadsheet_id>/rows")
def change_rows(spreadsheet_id: str) -> Any:
    data = _body()
    edited = acting.change_rows(
        current_state(),
        spreadsheet_id,
        _email(data.get("as")),
        _index(data.get("sheet_id"), "sheet_id"),
        _index(data.get("row"), "row"),
        str(data.get("change", "")),
    )
    _fire_triggers(edited)
    return jsonify({"sheet": edited.sheet, "change": edited.change_type})


@blueprint.post("/api/sheets/<spreadsheet_id>/live-updates")
def set_live_updates(spreadsheet_id: str) -> Any:
    data = _body()
    enabled = data.get("enabled")
    if not isinstance(enabled, bool):
        raise GoogleApiError(400, "'enabled' must be true or false.")
    state = current_state()
    config = _addon()
    file = _spreadsheet_file(state, spreadsheet_id)
    if file is None:
        raise GoogleApiError(404, "Requested entity was not found.")
    if config is None:
        raise GoogleApiError(400, "Live updates post to the backend: run python -m service serve.")
    if not enabled:
        triggers.live_updates(state).disable(spreadsheet_id)
        state.touch()
        return jsonify({"enabled": False, "message": "Live updates are off for this MAP."})
    on, message = triggers.enable_live_updates(
        state, config, issuer=base_url(), spreadsheet_id=spreadsheet_id, seller=file.owner
    )
    return jsonify({"enabled": on, "message": message})


# -- the add-on stand-in's backend calls ------------------------------------------------
@blueprint.post("/api/addon/call")
def addon_call() -> Any:
    config = _addon()
    if config is None:
        raise GoogleApiError(400, "The add-on needs the backend: run python -m service serve.")
    data = _body()
    try:
        user, method, path, body = addon.check_call(
            data.get("user"), data.get("method"), data.get("path"), data.get("body")
        )
    except addon.BadAddonCall as exc:
        raise GoogleApiError(400, str(exc)) from exc
    answer = addon.call_backend(
        current_state(),
        config,
        issuer=base_url(),
        user=user,
        method=method,
        path=path,
        body=body,
        with_seller_token=bool(data.get("seller_token")),
    )
    return jsonify(answer.to_json())


def _fire_triggers(edited: acting.Edited) -> None:
    """Post the edit as the seller's installable trigger would, where live updates are on."""
    state = current_state()
    config = _addon()
    seller = triggers.live_updates(state).installer(edited.spreadsheet_id)
    if config is None or seller is None:
        return
    payload = triggers.hook_payload(edited, seller, state.clock.now())
    if payload is None:
        return
    triggers.trigger_runner(state).submit(
        triggers.HookPost(config.backend_url, base_url(), config.client_id, seller, payload)
    )


def _spreadsheet_file(state: EmulatorState, spreadsheet_id: str) -> DriveFile | None:
    file = state.files.get(spreadsheet_id)
    if file is None or file.mime_type != SPREADSHEET_MIME or file.trashed:
        return None
    return file


def _people(file: DriveFile) -> list[dict[str, str]]:
    return [
        {"email": p.email_address, "role": p.role}
        for p in file.permissions
        if p.type == "user" and p.email_address and not is_service_account(p.email_address)
    ]


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise GoogleApiError(400, "Expected a JSON object body.")
    return data


def _email(value: Any, name: str = "as") -> str:
    if not isinstance(value, str) or "@" not in value or len(value) > 320 or value != value.strip():
        raise GoogleApiError(400, f"'{name}' must be an email address.")
    return value


def _index(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GoogleApiError(400, f"'{name}' must be a whole number, 0 or more.")
    return value


def _addon() -> addon.AddonConfig | None:
    return addon.addon_config(current_app)


def _unavailable(message: str) -> Response:
    html = render_template("preview/unavailable.html", message=message)
    return Response(html, status=503, mimetype="text/html")
