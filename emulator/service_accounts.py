"""Service accounts: the key files the emulator issues, and the JWTs made with them.

A key file (issued at ``POST /__emulator/oidc/service-account``, see
:mod:`emulator.credentials`) is in Google's JSON format with a ``token_uri`` that
points at the emulator, so
``google.oauth2.service_account.Credentials.from_service_account_info(...)`` works
unchanged. The emulator keeps only the public half of each key.

An assertion signed with an issued key is exchanged for tokens at ``POST /token``
(:mod:`emulator.oauth2`); a self-signed JWT (google-auth's ``always_use_jwt_access``)
made with an issued key is accepted directly as a bearer token for the account.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from emulator.oidc import subject_for
from emulator.signing import SigningKey
from emulator.state import EmulatorState
from emulator.users import SERVICE_ACCOUNT_SUFFIX, token_book

DEFAULT_ACCOUNT = "map-backend@emulator-project" + SERVICE_ACCOUNT_SUFFIX
_JWT_SHAPE = re.compile(r"^[\w-]+\.[\w-]+\.[\w-]+$")


class ServiceAccountKeys:
    """key id -> (service-account email, PEM certificate). Persists with the state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[str, str]] = {}

    def add(self, kid: str, email: str, certificate_pem: str) -> None:
        with self._lock:
            self._keys[kid] = (email, certificate_pem)

    def get(self, kid: str) -> tuple[str, str] | None:
        with self._lock:
            return self._keys.get(kid)

    def certs(self) -> dict[str, str]:
        with self._lock:
            return {kid: cert for kid, (_, cert) in self._keys.items()}

    def to_json(self) -> Any:
        with self._lock:
            return {kid: {"email": e, "certificate": c} for kid, (e, c) in self._keys.items()}

    def load_json(self, data: Any) -> None:
        with self._lock:
            self._keys = {kid: (v["email"], v["certificate"]) for kid, v in data.items()}


def account_keys(state: EmulatorState) -> ServiceAccountKeys:
    return state.section("service_accounts", ServiceAccountKeys)


def issue_key_file(state: EmulatorState, base: str, email: str, project_id: str) -> dict[str, Any]:
    key = SigningKey.generate(common_name=email)
    account_keys(state).add(key.kid, email, key.certificate_pem)
    state.touch()
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key.kid,
        "private_key": key.private_pem,
        "client_email": email,
        "client_id": subject_for(email),
        "auth_uri": f"{base}/o/oauth2/auth",
        "token_uri": f"{base}/token",
        "auth_provider_x509_cert_url": f"{base}/oauth2/v1/certs",
        "client_x509_cert_url": f"{base}/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


def verify_assertion(state: EmulatorState, assertion: str) -> dict[str, Any]:
    """The claims of a JWT signed with an issued key (signature and expiry checked)."""
    keys = account_keys(state)
    header = jwt.decode_header(assertion)  # type: ignore[no-untyped-call]
    known = keys.get(str(header.get("kid", "")))
    if known is None:
        raise ValueError("Invalid JWT Signature.")
    certs = {header["kid"]: known[1]}
    claims: dict[str, Any] = jwt.decode(assertion, certs=certs)  # type: ignore[no-untyped-call]
    if claims.get("iss") != known[0]:
        raise ValueError("Invalid JWT: the issuer is not the key's service account.")
    return claims


def attach(state: EmulatorState) -> None:
    """Accept a JWT self-signed with an issued key as a bearer token for its account."""
    token_book(state).resolvers.append(lambda token: self_signed_caller(state, token))


def self_signed_caller(state: EmulatorState, token: str) -> str | None:
    """The service account a self-signed JWT stands for, or None if it is not one."""
    if not _JWT_SHAPE.match(token):
        return None
    try:
        claims = verify_assertion(state, token)
    except (ValueError, auth_exceptions.GoogleAuthError):
        return None
    return str(claims["iss"])
