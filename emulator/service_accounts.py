"""Service accounts: key files the emulator issues, and Google's OAuth token endpoint.

``POST /__emulator/oidc/service-account {email?, project_id?}`` answers a key file in
Google's JSON format whose ``token_uri`` points at the emulator, so
``google.oauth2.service_account.Credentials.from_service_account_info(...)`` works
unchanged. The emulator keeps only the public half of each key.

``POST /token`` takes the JWT-bearer grant (``grant_type=urn:ietf:params:oauth:
grant-type:jwt-bearer``): an assertion signed with an issued key gives an access token
for the service account or, with ``target_audience``, a Google-style ID token. A
self-signed JWT (google-auth's ``always_use_jwt_access``) made with an issued key is
accepted directly as a bearer token for the service account.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from flask import Flask, jsonify, request
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from emulator.oidc import id_token_claims, mint_id_token, subject_for
from emulator.signing import SigningKey
from emulator.state import EmulatorState
from emulator.users import SERVICE_ACCOUNT_SUFFIX, mint_access_token, token_book

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
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


def register(app: Flask, state: EmulatorState) -> None:
    from emulator.app import base_url

    def self_signed(token: str) -> str | None:
        if not _JWT_SHAPE.match(token):
            return None
        try:
            claims = verify_assertion(state, token)
        except (ValueError, auth_exceptions.GoogleAuthError):
            return None
        return str(claims["iss"])

    token_book(state).resolvers.append(self_signed)

    @app.post("/__emulator/oidc/service-account", endpoint="emulator.oidc.service_account")
    def _issue() -> Any:
        """Issue a service-account key file whose token_uri is this emulator."""
        data = request.get_json(silent=True) or {}
        email = str(data.get("email") or DEFAULT_ACCOUNT)
        if "@" not in email:
            return jsonify({"error": {"code": 400, "message": "'email' is not an email"}}), 400
        project = str(data.get("project_id") or email.split("@", 1)[1].split(".", 1)[0])
        return jsonify(issue_key_file(state, base_url(), email, project))

    @app.post("/token", endpoint="oauth2.token")
    def _token() -> Any:
        """Google's OAuth 2.0 token endpoint, JWT-bearer grant."""
        if request.form.get("grant_type") != JWT_BEARER:
            return _oauth_error("unsupported_grant_type", "Invalid grant_type: ")
        try:
            claims = verify_assertion(state, request.form.get("assertion", ""))
        except (ValueError, auth_exceptions.GoogleAuthError) as exc:
            return _oauth_error("invalid_grant", _describe(exc))
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, f"{base_url()}/token"):
            return _oauth_error("invalid_grant", "Invalid JWT: Token must be for this server.")
        email = str(claims["iss"])
        if "target_audience" in claims:
            id_claims = id_token_claims(
                issuer=base_url(), email=email, audience=str(claims["target_audience"])
            )
            return jsonify({"id_token": mint_id_token(state, id_claims)})
        scope = str(claims.get("scope", ""))
        token = mint_access_token(state, email, 3599, scope)
        return jsonify({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})


def _describe(exc: Exception) -> str:
    text = str(exc)
    if "expired" in text.lower():
        return (
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
            "reasonable timeframe. Check your iat and exp values in the JWT claim."
        )
    if "signature" in text.lower():
        return "Invalid JWT Signature."
    return "Invalid JWT."


def _oauth_error(error: str, description: str) -> Any:
    return jsonify({"error": error, "error_description": description}), 400
