"""A development OpenID Connect issuer, shaped like Google's.

Public endpoints (no credentials), as Google serves them:
    GET /oauth2/v1/certs                  {kid: PEM X.509 certificate}
    GET /oauth2/v3/certs                  JWKS
    GET /.well-known/openid-configuration discovery; ``issuer`` is the emulator's URL
    GET /oauth2/v3/tokeninfo, /tokeninfo  ?access_token= or ?id_token=
    GET /oauth2/v3/userinfo               the bearer token's user

Control endpoints that mint tokens:
    POST /__emulator/oidc/id-token      {email, audience, email_verified?, hd?, name?,
                                         expires_in?, issuer?, nonce?}
    POST /__emulator/oidc/access-token  {email, expires_in?, scope?}

ID tokens are RS256 with ``kid``, verifiable with google-auth's own
``id_token.verify_token(..., certs_url=<emulator>/oauth2/v1/certs)``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import Flask, jsonify, request
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from emulator.errors import GoogleApiError
from emulator.signing import IssuerKeys, SigningKey
from emulator.state import EmulatorState
from emulator.users import mint_access_token, resolve_caller, token_book

MAX_EXPIRES_IN = 86400 * 366


def issuer_keys(state: EmulatorState) -> IssuerKeys:
    keys: IssuerKeys = state.extensions.setdefault("oidc.keys", IssuerKeys(state.data_dir))
    return keys


def subject_for(email: str) -> str:
    """A stable 21-digit subject per email, as Google's ``sub`` looks."""
    digest = int(hashlib.sha256(email.lower().encode()).hexdigest(), 16)
    return str(10**20 + digest % (9 * 10**20))


def id_token_claims(
    *,
    issuer: str,
    email: str,
    audience: str,
    expires_in: int = 3600,
    email_verified: bool = True,
    hd: str | None = None,
    name: str | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    now = int(time.time())
    # An already-expired token was also issued in the past, as a real one would be.
    issued = now if expires_in > 0 else now + expires_in - 3600
    claims: dict[str, Any] = {
        "iss": issuer,
        "azp": audience,
        "aud": audience,
        "sub": subject_for(email),
        "email": email,
        "email_verified": email_verified,
    }
    if hd:
        claims["hd"] = hd
    if name:
        claims["name"] = name
    if nonce:
        claims["nonce"] = nonce
    claims["iat"] = issued
    claims["exp"] = now + expires_in
    return claims


def mint_id_token(state: EmulatorState, claims: dict[str, Any]) -> str:
    return issuer_keys(state).current().sign(claims)


def _control_error(message: str) -> GoogleApiError:
    return GoogleApiError(400, message)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise _control_error("Expected a JSON object body.")
    return data


def _int_field(data: dict[str, Any], name: str, default: int) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_EXPIRES_IN:
        raise _control_error(f"'{name}' must be a whole number of seconds.")
    return value


def _email_field(data: dict[str, Any]) -> str:
    email = data.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise _control_error("'email' must be an email address.")
    return email


def register(app: Flask, state: EmulatorState) -> None:
    from emulator.app import base_url

    keys = issuer_keys(state)

    def key() -> SigningKey:
        return keys.current()

    @app.get("/oauth2/v1/certs", endpoint="oauth2.certs.v1")
    def _certs_v1() -> Any:
        """Google's PEM certificate map, the format ``id_token.verify_token`` reads."""
        response = jsonify({key().kid: key().certificate_pem})
        response.headers["Cache-Control"] = "public, max-age=3600, must-revalidate"
        return response

    @app.get("/oauth2/v3/certs", endpoint="oauth2.certs.v3")
    def _certs_v3() -> Any:
        response = jsonify({"keys": [key().jwk()]})
        response.headers["Cache-Control"] = "public, max-age=3600, must-revalidate"
        return response

    @app.get("/.well-known/openid-configuration", endpoint="oauth2.discovery")
    def _discovery() -> Any:
        base = base_url()
        return jsonify(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/oauth2/v3/userinfo",
                "jwks_uri": f"{base}/oauth2/v3/certs",
                "response_types_supported": ["code", "token", "id_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "claims_supported": [
                    "aud",
                    "email",
                    "email_verified",
                    "exp",
                    "hd",
                    "iat",
                    "iss",
                    "name",
                    "sub",
                ],
                "grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
            }
        )

    @app.route("/oauth2/v3/tokeninfo", methods=["GET", "POST"], endpoint="oauth2.tokeninfo")
    @app.route("/tokeninfo", methods=["GET", "POST"], endpoint="oauth2.tokeninfo.root")
    def _tokeninfo() -> Any:
        args = request.values
        if "id_token" in args:
            return _id_token_info(args["id_token"])
        return _access_token_info(args.get("access_token", ""))

    def _id_token_info(token: str) -> Any:
        try:
            claims = jwt.decode(token, certs={key().kid: key().certificate_pem})  # type: ignore[no-untyped-call]
        except (ValueError, auth_exceptions.GoogleAuthError):
            return _invalid_token()
        info = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in claims.items()}
        info["alg"], info["kid"], info["typ"] = "RS256", key().kid, "JWT"
        return jsonify(info)

    def _access_token_info(token: str) -> Any:
        minted = token_book(state).lookup(token) if token else None
        if minted is None or minted.expires_at <= time.time():
            return _invalid_token()
        return jsonify(
            {
                "azp": "emulator",
                "aud": "emulator",
                "sub": subject_for(minted.email),
                "scope": minted.scope,
                "exp": str(int(minted.expires_at)),
                "expires_in": str(int(minted.expires_at - time.time())),
                "email": minted.email,
                "email_verified": "true",
                "access_type": "online",
            }
        )

    @app.get("/oauth2/v3/userinfo", endpoint="oauth2.userinfo")
    def _userinfo() -> Any:
        email = resolve_caller(state, request.headers.get("Authorization"), drive=False)
        return jsonify({"sub": subject_for(email), "email": email, "email_verified": True})

    @app.post("/__emulator/oidc/id-token", endpoint="emulator.oidc.id_token")
    def _mint_id_token() -> Any:
        """Mint an ID token, as ``ScriptApp.getIdentityToken()`` would give one."""
        data = _body()
        audience = data.get("audience")
        if not isinstance(audience, str) or not audience:
            raise _control_error("'audience' is required (the OAuth client id).")
        issuer = data.get("issuer") or base_url()
        claims = id_token_claims(
            issuer=str(issuer),
            email=_email_field(data),
            audience=audience,
            expires_in=_int_field(data, "expires_in", 3600),
            email_verified=bool(data.get("email_verified", True)),
            hd=data.get("hd"),
            name=data.get("name"),
            nonce=data.get("nonce"),
        )
        return jsonify({"id_token": mint_id_token(state, claims), "claims": claims})

    @app.post("/__emulator/oidc/access-token", endpoint="emulator.oidc.access_token")
    def _mint_access_token() -> Any:
        """Mint an opaque OAuth access token that stands for ``email``."""
        data = _body()
        email = _email_field(data)
        expires_in = _int_field(data, "expires_in", 3599)
        scope = str(data.get("scope", "https://www.googleapis.com/auth/drive"))
        token = mint_access_token(state, email, expires_in, scope)
        return jsonify(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": expires_in,
                "scope": scope,
            }
        )


def _invalid_token() -> Any:
    return jsonify({"error": "invalid_token", "error_description": "Invalid Value"}), 400
