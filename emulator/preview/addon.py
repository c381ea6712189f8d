"""The add-on's dialogs in the browser, with a local ``google.script.run`` stand-in.

The dialogs (``appsscript/src/CreateMap.html``, ``Pipeline.html``, ``Sidebar.html``,
``WeeklyReview.html``) are read from the add-on's source at request time and served
with the stand-in injected at the top of ``<head>``. The stand-in runs the add-on's
own ``Errors.js``, ``MapRequest.js`` and ``ServerApi.js`` constants in the page and
maps each server function to the backend endpoint the add-on calls (see
``appsscript/README.md``); the HTTP call goes through :func:`call_backend`, which does
what Apps Script's ``UrlFetchApp`` does for the add-on: an ID token for the user (and,
for Create MAP, their OAuth access token), minted by the emulator's sign-in issuer.
Tokens stay on the server; the page sees the backend's answer only.

The stand-in needs the backend: :func:`configure` gives its URL and the OAuth client id
the backend accepts (``python -m service serve`` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from flask import Flask

from emulator.oidc import hosted_domain, id_token_claims, mint_id_token
from emulator.state import EmulatorState
from emulator.users import mint_access_token

CONFIG_KEY = "MAP_ADDON"
# The checkout this package sits in (emulator/preview/addon.py -> the project).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DIALOGS = ("CreateMap", "Pipeline", "Sidebar", "WeeklyReview")
# The add-on's script files the stand-in loads into a dialog page (readable errors,
# the Create form's checks, what errors mean where).
SCRIPTS = ("Errors.js", "MapRequest.js", "ServerApi.js")
SELLER_TOKEN_SCOPE = "https://www.googleapis.com/auth/drive.file"
TIMEOUT_S = 60.0
MAX_BODY_CHARS = 1_000_000
_EMAIL = re.compile(r"^[^\s@<>(),;:\"]+@[^\s@<>(),;:\"]+\.[^\s@<>(),;:\"]+$")
_API_PATH = re.compile(r"^/api/[A-Za-z0-9_\-./%?=&]*$")


class AddonUnavailable(Exception):
    """The add-on's dialogs cannot be served here (no backend, no source)."""


class BadAddonCall(ValueError):
    """A stand-in call the backend would never get from the add-on."""


@dataclass(frozen=True)
class AddonConfig:
    backend_url: str
    client_id: str
    # Where the add-on's files are; None: appsscript/src of this checkout.
    source_dir: Path | None = None

    def sources(self) -> Path:
        if self.source_dir is not None:
            return self.source_dir
        return PROJECT_ROOT / "appsscript" / "src"


def configure(app: Flask, config: AddonConfig) -> None:
    """Let the preview's add-on pages and live updates talk to the backend."""
    app.config[CONFIG_KEY] = config


def addon_config(app: Flask) -> AddonConfig | None:
    config = app.config.get(CONFIG_KEY)
    return config if isinstance(config, AddonConfig) else None


def _read(config: AddonConfig, name: str) -> str:
    path = config.sources() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AddonUnavailable(
            f"the add-on's {name} is not in {config.sources()}: the add-on's dialogs are "
            "served from a checkout of the project (appsscript/src)"
        ) from exc


def dialog_html(config: AddonConfig, name: str, head_tags: str) -> str:
    """The dialog ``name`` (one of :data:`DIALOGS`) with ``head_tags`` first in <head>."""
    if name not in DIALOGS:
        raise AddonUnavailable(f"the add-on has no dialog called {name}")
    html = _read(config, f"{name}.html")
    match = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if match is None:
        return head_tags + html
    return html[: match.end()] + "\n" + head_tags + html[match.end() :]


def script_text(config: AddonConfig, name: str) -> str:
    if name not in SCRIPTS:
        raise AddonUnavailable(f"the stand-in does not load {name}")
    return _read(config, name)


@dataclass(frozen=True)
class BackendAnswer:
    status: int
    text: str
    request_id: str

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "text": self.text, "request_id": self.request_id}


def check_call(user: Any, method: Any, path: Any, body: Any) -> tuple[str, str, str, Any]:
    """The call, if the add-on could make it; :class:`BadAddonCall` otherwise."""
    if not isinstance(user, str) or not _EMAIL.match(user.strip()):
        raise BadAddonCall("'user' must be the email address of the person using the add-on")
    if method not in ("get", "post", "put", "delete"):
        raise BadAddonCall("'method' must be get, post, put or delete")
    if not isinstance(path, str) or not _API_PATH.match(path) or ".." in path:
        raise BadAddonCall("'path' must be a path of the backend's /api/")
    if body is not None and not isinstance(body, dict):
        raise BadAddonCall("'body' must be a JSON object")
    return user.strip(), method, path, body


def call_backend(
    state: EmulatorState,
    config: AddonConfig,
    *,
    issuer: str,
    user: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    with_seller_token: bool,
) -> BackendAnswer:
    """What ``callBackend_`` in the add-on's BackendClient.js does, as ``user``."""
    claims = id_token_claims(
        issuer=issuer, email=user, audience=config.client_id, hd=hosted_domain(user)
    )
    headers = {"Authorization": f"Bearer {mint_id_token(state, claims)}"}
    if with_seller_token:
        headers["X-Goog-Access-Token"] = mint_access_token(state, user, 3599, SELLER_TOKEN_SCOPE)
    url = config.backend_url.rstrip("/") + path
    try:
        with requests.Session() as session:
            response = session.request(
                method.upper(), url, json=body, headers=headers, timeout=TIMEOUT_S
            )
    except requests.RequestException as exc:
        # As UrlFetchApp throws when the host does not answer (BackendClient.js turns it
        # into "The MAP service cannot be reached right now").
        problem = f"Address unavailable: {config.backend_url} ({type(exc).__name__})"
        return BackendAnswer(0, problem, "")
    return BackendAnswer(
        response.status_code,
        response.text[:MAX_BODY_CHARS],
        response.headers.get("X-Request-Id", ""),
    )
