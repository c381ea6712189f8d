"""What a view or a request hook reads about the request it serves: the emulator's
state, the caller, and the emulator's own address.

The app factory puts the state on the app (:func:`install`); views and hooks reach it
through :func:`current_state`, so no module holds the state between requests.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request

from emulator.state import DEFAULT_USER, EmulatorState

STATE_KEY = "emulator.state"
# Set by whoever knows the address clients use (the server, local mode); otherwise
# the address the request came in on.
URL_KEY = "EMULATOR_URL"


def install(app: Flask, state: EmulatorState) -> None:
    """Make ``state`` the one the app's views and hooks read."""
    app.extensions[STATE_KEY] = state


def current_state() -> EmulatorState:
    """The state of the emulator serving the request."""
    state: EmulatorState = current_app.extensions[STATE_KEY]
    return state


def current_user() -> str:
    """The email of the caller of the request being handled."""
    user: str = g.get("user", DEFAULT_USER)
    return user


def base_url() -> str:
    """The emulator's base URL (its OIDC issuer), without a trailing slash."""
    configured = current_app.config.get(URL_KEY)
    return str(configured or request.url_root).rstrip("/")
