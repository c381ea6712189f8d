"""The emulator's WSGI app: one Flask app serving Sheets v4, Drive v3, sign-in and
the ``/__emulator`` control endpoints, with Google's error shapes everywhere.

Request pipeline (``before_request``, in this order): resolve the caller from the
bearer token into ``flask.g.user``; count the request; apply any injected fault for
its method. After the view (``after_request``): fire race hooks, so an edit lands
before the response leaves. The pieces register themselves through
``register(app, state)`` functions so each module owns its routes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from emulator.errors import GoogleApiError
from emulator.state import DEFAULT_USER, EmulatorState


def current_user() -> str:
    """The email of the caller of the request being handled."""
    user: str = g.get("user", DEFAULT_USER)
    return user


def base_url() -> str:
    """The emulator's base URL (its OIDC issuer), without a trailing slash."""
    configured = current_app.config.get("EMULATOR_URL")
    return str(configured or request.url_root).rstrip("/")


def create_emulator_app(state: EmulatorState) -> Flask:
    from emulator import (
        clock,
        control,
        counters,
        faults,
        oidc,
        preview,
        race_hooks,
        service_accounts,
        users,
    )
    from emulator.drive import files as drive
    from emulator.drive import permissions, push
    from emulator.sheets import api as sheets_api

    app = Flask("emulator")
    app.config["EMULATOR_STATE"] = state
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False

    @app.errorhandler(GoogleApiError)
    def _google_error(exc: GoogleApiError) -> Any:
        response = jsonify(exc.body())
        response.status_code = exc.code
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        drive = request.path.startswith("/drive/")
        body = GoogleApiError(code, exc.description or exc.name, drive=drive).body()
        return jsonify(body), code

    @app.before_request
    def _clock() -> None:
        # Formulas (TODAY, NOW) read the time of the state they are evaluated in.
        clock.current.set(state.clock)

    # The order matters: who is calling, then counting, then faults.
    users.register(app, state)
    counters.register(app, state)
    faults.register(app, state)
    race_hooks.register(app, state)
    control.register(app, state)
    oidc.register(app, state)
    service_accounts.register(app, state)
    sheets_api.register(app, state)
    drive.register(app, state)
    permissions.register(app, state)
    push.register(app, state)
    preview.register(app, state)
    return app
