"""The emulator's WSGI app: one Flask app serving Sheets v4, Drive v3, sign-in, the
preview and the ``/__emulator`` control endpoints, with Google's error shapes everywhere.

Request pipeline, in this order (``before_request``): the clock formulas read, who is
calling (``flask.g.user``), counting the request, Sheets' quotas when they are on
(:mod:`emulator.quotas`), then any injected fault for its method. After the view
(``after_request``): race hooks, so an edit lands before the response leaves. Each
module that serves routes defines its blueprints and module-level views; views reach
the state through :func:`emulator.context.current_state`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from emulator import (
    clock,
    context,
    control,
    counters,
    faults,
    oauth2,
    quotas,
    race_hooks,
    secret_manager,
    service_accounts,
    users,
)
from emulator.drive import api as drive_api
from emulator.drive import permissions, push
from emulator.errors import GoogleApiError
from emulator.preview import routes as preview
from emulator.sheets import api as sheets_api
from emulator.state import EmulatorState


def create_emulator_app(state: EmulatorState) -> Flask:
    app = Flask("emulator")
    context.install(app, state)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # Before any route is added: rules take the map's setting when they are added.
    app.url_map.strict_slashes = False
    app.register_error_handler(GoogleApiError, _google_error)
    app.register_error_handler(HTTPException, _http_error)

    # The request pipeline (see above): the order matters.
    for step in (
        _use_the_state_clock,
        users.identify_caller,
        counters.count_request,
        quotas.enforce_quota,
        faults.inject_fault,
    ):
        app.before_request(step)
    app.after_request(race_hooks.fire_race_hooks)

    # The parts that keep state: their resets, the change feed, bearer-token resolvers.
    for attach in (
        users.attach,
        counters.attach,
        faults.attach,
        quotas.attach,
        secret_manager.attach,
        race_hooks.attach,
        service_accounts.attach,
        permissions.attach,
        push.attach,
        preview.attach,
    ):
        attach(state)

    for blueprint in (
        control.blueprint,
        oauth2.blueprint,
        sheets_api.blueprint,
        drive_api.blueprint,
        secret_manager.api,
        preview.blueprint,
    ):
        app.register_blueprint(blueprint)
    return app


def _use_the_state_clock() -> None:
    # Formulas (TODAY, NOW) read the time of the state they are evaluated in.
    clock.current.set(context.current_state().clock)


def _google_error(exc: GoogleApiError) -> Any:
    response = jsonify(exc.body())
    response.status_code = exc.code
    response.headers.update(exc.headers)
    return response


def _http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    drive = request.path.startswith("/drive/")
    body = GoogleApiError(code, exc.description or exc.name, drive=drive).body()
    return jsonify(body), code
