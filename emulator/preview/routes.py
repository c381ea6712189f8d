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

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from emulator.errors import GoogleApiError
from emulator.preview import acting, addon, grid_view, triggers
from emulator.preview.feed import version_feed
from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from emulator.state import SPREADSHEET_MIME, DriveFile, EmulatorState

LONG_POLL_S = 25.0
MAX_LONG_POLL_S = 55.0
NEEDS_BACKEND = "The add-on's dialogs need the backend: run python -m service serve."
NOT_A_MAP = (
    "This spreadsheet is not a MAP yet. Use Create MAP... in the add-on menu to make it one."
)


def _is_service_account(email: str) -> bool:
    return email.lower().endswith(".iam.gserviceaccount.com")


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


def _people(file: DriveFile) -> list[dict[str, str]]:
    return [
        {"email": p.email_address, "role": p.role}
        for p in file.permissions
        if p.type == "user" and p.email_address and not _is_service_account(p.email_address)
    ]


def register(app: Flask, state: EmulatorState) -> None:
    feed = version_feed(state)
    updates = triggers.live_updates(state)
    state.on_reset(updates.reset)
    bp = Blueprint(
        "preview",
        __name__,
        url_prefix="/preview",
        template_folder="templates",
        static_folder="static",
    )

    def spreadsheet_file(spreadsheet_id: str) -> DriveFile | None:
        file = state.files.get(spreadsheet_id)
        if file is None or file.mime_type != SPREADSHEET_MIME or file.trashed:
            return None
        return file

    def issuer() -> str:
        from emulator.app import base_url

        return base_url()

    # -- pages ------------------------------------------------------------------------
    @bp.get("/")
    def index() -> Any:
        with state.lock:
            files = sorted(
                (f for f in state.files.values() if spreadsheet_file(f.id) is not None),
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

    @bp.get("/<spreadsheet_id>")
    def sheet_page(spreadsheet_id: str) -> Any:
        file = spreadsheet_file(spreadsheet_id)
        if file is None:
            html = render_template("preview/missing.html", spreadsheet_id=spreadsheet_id)
            return Response(html, status=404, mimetype="text/html")
        return render_template(
            "preview/sheet.html", file_id=file.id, name=file.name, addon=_addon() is not None
        )

    @bp.get("/create")
    def create_page() -> Any:
        return render_template("preview/addon_page.html", dialog="CreateMap", addon=_addon())

    @bp.get("/pipeline")
    def pipeline_page() -> Any:
        return render_template("preview/addon_page.html", dialog="Pipeline", addon=_addon())

    @bp.get("/addon/<dialog>")
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

    @bp.get("/addon/src/<name>")
    def addon_script(name: str) -> Any:
        config = _addon()
        if config is None:
            return _unavailable("The add-on needs the backend.")
        try:
            text = addon.script_text(config, name)
        except addon.AddonUnavailable as exc:
            return _unavailable(str(exc))
        return Response(text, mimetype="text/javascript")

    # -- the sheet --------------------------------------------------------------------
    @bp.get("/api/sheets/<spreadsheet_id>")
    def sheet_view(spreadsheet_id: str) -> Any:
        with state.lock:
            file = spreadsheet_file(spreadsheet_id)
            if file is None:
                raise GoogleApiError(404, "Requested entity was not found.")
            viewer = _email(request.args.get("as") or file.owner)
            state.authorize(spreadsheet_id, viewer, "reader")
            version = file.version
            resource = spreadsheet_resource(state, spreadsheet_id)
            people = _people(file)
            owner = file.owner
        seller = updates.installer(spreadsheet_id)
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

    @bp.get("/api/sheets/<spreadsheet_id>/changes")
    def changes(spreadsheet_id: str) -> Any:
        try:
            since = int(request.args.get("since", "0"))
            wait = float(request.args.get("timeout", LONG_POLL_S))
        except ValueError as exc:
            raise GoogleApiError(400, "'since' and 'timeout' must be numbers.") from exc
        wait = max(0.0, min(wait, MAX_LONG_POLL_S))
        return jsonify({"version": feed.wait(spreadsheet_id, since, wait)})

    @bp.post("/api/sheets/<spreadsheet_id>/cell")
    def edit_cell(spreadsheet_id: str) -> Any:
        data = _body()
        value = data.get("value")
        if not isinstance(value, str):
            raise GoogleApiError(400, "'value' must be text (what the person typed).")
        edited = acting.edit_cell(
            state,
            spreadsheet_id,
            _email(data.get("as")),
            _index(data.get("sheet_id"), "sheet_id"),
            _index(data.get("row"), "row"),
            _index(data.get("col"), "col"),
            value,
        )
        _fire_triggers(edited)
        return jsonify({"sheet": edited.sheet, "a1": edited.a1, "value": edited.value})

    @bp.post("/api/sheets/<spreadsheet_id>/rows")
    def change_rows(spreadsheet_id: str) -> Any:
        data = _body()
        edited = acting.change_rows(
            state,
            spreadsheet_id,
            _email(data.get("as")),
            _index(data.get("sheet_id"), "sheet_id"),
            _index(data.get("row"), "row"),
            str(data.get("change", "")),
        )
        _fire_triggers(edited)
        return jsonify({"sheet": edited.sheet, "change": edited.change_type})

    def _fire_triggers(edited: acting.Edited) -> None:
        config = _addon()
        seller = updates.installer(edited.spreadsheet_id)
        if config is None or seller is None:
            return
        payload = triggers.hook_payload(edited, seller, state.clock.now())
        if payload is None:
            return
        triggers.trigger_runner(state).submit(
            triggers.HookPost(config.backend_url, issuer(), config.client_id, seller, payload)
        )

    @bp.post("/api/sheets/<spreadsheet_id>/live-updates")
    def set_live_updates(spreadsheet_id: str) -> Any:
        data = _body()
        enabled = data.get("enabled")
        if not isinstance(enabled, bool):
            raise GoogleApiError(400, "'enabled' must be true or false.")
        config = _addon()
        file = spreadsheet_file(spreadsheet_id)
        if file is None:
            raise GoogleApiError(404, "Requested entity was not found.")
        if config is None:
            raise GoogleApiError(
                400, "Live updates post to the backend: run python -m service serve."
            )
        if not enabled:
            updates.disable(spreadsheet_id)
            state.touch()
            return jsonify({"enabled": False, "message": "Live updates are off for this MAP."})
        seller = file.owner
        answer = addon.call_backend(
            state,
            config,
            issuer=issuer(),
            user=seller,
            method="get",
            path=f"/api/maps/{spreadsheet_id}",
            body=None,
            with_seller_token=False,
        )
        if answer.status == 404:
            return jsonify({"enabled": False, "message": NOT_A_MAP})
        if not 200 <= answer.status < 300:
            return jsonify(
                {"enabled": False, "message": f"The MAP service answered HTTP {answer.status}."}
            )
        if not updates.enable(spreadsheet_id, seller):
            return jsonify(
                {
                    "enabled": False,
                    "message": (
                        f"Live updates are on in {triggers.MAPS_PER_SELLER} MAPs already, as "
                        "many as Google allows triggers for: turn them off in one of them first."
                    ),
                }
            )
        state.touch()
        return jsonify(
            {
                "enabled": True,
                "message": f"Live updates are on: edits here are posted as {seller}'s trigger.",
            }
        )

    # -- the add-on stand-in's backend calls --------------------------------------------
    @bp.post("/api/addon/call")
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
            state,
            config,
            issuer=issuer(),
            user=user,
            method=method,
            path=path,
            body=body,
            with_seller_token=bool(data.get("seller_token")),
        )
        return jsonify(answer.to_json())

    app.register_blueprint(bp)


def _addon() -> addon.AddonConfig | None:
    return addon.addon_config(current_app)


def _unavailable(message: str) -> Response:
    html = render_template("preview/unavailable.html", message=message)
    return Response(html, status=503, mimetype="text/html")
