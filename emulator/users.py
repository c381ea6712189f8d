"""Who is calling: access tokens the emulator minted, and the caller of each request.

A bearer token the emulator minted (``/__emulator/oidc/access-token`` or the OAuth
``/token`` endpoint) maps to its user until it expires; after that the request gets
Google's 401. A bearer token the emulator did not mint stands for the default local
user, so recorded traffic and simple scripts work. A self-signed JWT made with a
service-account key the emulator issued stands for that service account. No
``Authorization`` header at all is a 401, as at Google.

Tokens are secrets: they are stored, compared and persisted, never logged.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, request

from emulator.context import current_state
from emulator.errors import unauthenticated
from emulator.state import DEFAULT_USER, EmulatorState

# Paths of Google's APIs; everything else (sign-in, control) needs no bearer token.
API_PREFIXES = ("/v4/", "/drive/", "/upload/")
SERVICE_ACCOUNT_SUFFIX = ".iam.gserviceaccount.com"


@dataclass
class AccessToken:
    email: str
    expires_at: float  # epoch seconds
    scope: str = ""
    audience: str = ""


class TokenBook:
    """The access tokens the emulator minted. Persists with the state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, AccessToken] = {}
        # Resolvers for bearer tokens that are not in the book (self-signed JWTs).
        self.resolvers: list[Callable[[str], str | None]] = []

    def mint(self, email: str, expires_in: int = 3599, *, scope: str = "") -> str:
        token = "ya29.emu-" + secrets.token_urlsafe(32)
        with self._lock:
            self._drop_long_expired()
            self._tokens[token] = AccessToken(email, time.time() + expires_in, scope)
        return token

    def lookup(self, token: str) -> AccessToken | None:
        with self._lock:
            return self._tokens.get(token)

    def _drop_long_expired(self) -> None:
        # Keep expired tokens for a day so they still answer 401 rather than
        # silently becoming the default user.
        horizon = time.time() - 86400
        for token in [t for t, v in self._tokens.items() if v.expires_at < horizon]:
            del self._tokens[token]

    def to_json(self) -> Any:
        with self._lock:
            return {
                token: {"email": v.email, "expires_at": v.expires_at, "scope": v.scope}
                for token, v in self._tokens.items()
            }

    def load_json(self, data: Any) -> None:
        with self._lock:
            self._tokens = {
                token: AccessToken(v["email"], float(v["expires_at"]), v.get("scope", ""))
                for token, v in data.items()
            }

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()


def token_book(state: EmulatorState) -> TokenBook:
    book = state.section("tokens", TokenBook)
    return book


def mint_access_token(state: EmulatorState, email: str, expires_in: int, scope: str = "") -> str:
    token = token_book(state).mint(email, expires_in, scope=scope)
    state.touch()
    return token


def is_service_account(email: str) -> bool:
    return email.lower().endswith(SERVICE_ACCOUNT_SUFFIX)


def resolve_caller(state: EmulatorState, authorization: str | None, *, drive: bool) -> str:
    """The email behind an ``Authorization`` header, or Google's 401."""
    if not authorization:
        raise unauthenticated(drive=drive, missing=True)
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthenticated(drive=drive, missing=False)
    book = token_book(state)
    minted = book.lookup(token)
    if minted is not None:
        if minted.expires_at <= time.time():
            raise unauthenticated(drive=drive, missing=False)
        return minted.email
    for resolver in list(book.resolvers):
        email = resolver(token)
        if email is not None:
            return email
    return DEFAULT_USER


def attach(state: EmulatorState) -> None:
    """Forget the minted tokens when the state is reset."""
    state.on_reset(token_book(state).reset)


def identify_caller() -> None:
    """Before each request: put the caller of an API request in ``flask.g.user``."""
    if not request.path.startswith(API_PREFIXES):
        return
    drive = not request.path.startswith("/v4/")
    g.user = resolve_caller(current_state(), request.headers.get("Authorization"), drive=drive)
