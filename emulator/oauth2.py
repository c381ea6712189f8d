"""Google's public sign-in endpoints, served by the development issuer (no credentials):

    GET  /oauth2/v1/certs                   {kid: PEM X.509 certificate}
    GET  /oauth2/v3/certs                   JWKS
    GET  /.well-known/openid-configuration  discovery; ``issuer`` is the emulator's URL
    POST /token                             the OAuth token endpoint, JWT-bearer grant
    GET  /oauth2/v3/tokeninfo, /tokeninfo   ?access_token= or ?id_token=
    GET  /oauth2/v3/userinfo                the bearer token's user

``POST /token`` takes an assertion signed with a key the emulator issued
(:mod:`emulator.service_accounts`) and answers an access token for the service
account or, when the assertion has ``target_audience``, a Google-style ID token.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, jsonify, request
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from emulator.context import base_url, current_state
from emulator.oidc import id_token_claims, issuer_keys, mint_id_token, subject_for
from emulator.service_accounts import verify_assertion
from emulator.signing import SigningKey
from emulator.users import mint_access_token, resolve_caller, token_book

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
CERTS_CACHE_CONTROL = "public, max-age=3600, must-revalidate"

blueprint = Blueprint("oauth2", __name__)
# Endpoints ``oauth2.certs.v1`` and ``oauth2.certs.v3``.
certs = Blueprint("certs", __name__)
# Endpoint ``oauth2.tokeninfo.root``: tokeninfo also answers at the root.
tokeninfo_at_root = Blueprint("tokeninfo", __name__)


def _key() -> SigningKey:
    return issuer_keys(current_state()).current()


@certs.get("/oauth2/v1/certs", endpoint="v1")
def certificates() -> Any:
    """Google's PEM certificate map, the format ``id_token.verify_token`` reads."""
    key = _key()
    response = jsonify({key.kid: key.certificate_pem})
    response.headers["Cache-Control"] = CERTS_CACHE_CONTROL
    return response


@certs.get("/oauth2/v3/certs", endpoint="v3")
def json_web_keys() -> Any:
    response = jsonify({"keys": [_key().jwk()]})
    response.headers["Cache-Control"] = CERTS_CACHE_CONTROL
    return response


@blueprint.get("/.well-known/openid-configuration", endpoint="discovery")
def discovery() -> Any:
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
            "grant_types_supported": [JWT_BEARER],
        }
    )


@blueprint.route("/oauth2/v3/tokeninfo", methods=["GET", "POST"], endpoint="tokeninfo")
@tokeninfo_at_root.route("/tokeninfo", methods=["GET", "POST"], endpoint="root")
def tokeninfo() -> Any:
    args = request.values
    if "id_token" in args:
        return _id_token_info(args["id_token"])
    return _access_token_info(args.get("access_token", ""))


@blueprint.get("/oauth2/v3/userinfo", endpoint="userinfo")
def userinfo() -> Any:
    authorization = request.headers.get("Authorization")
    email = resolve_caller(current_state(), authorization, drive=False)
    return jsonify({"sub": subject_for(email), "email": email, "email_verified": True})


@blueprint.post("/token", endpoint="token")
def token_endpoint() -> Any:
    """Google's OAuth 2.0 token endpoint, JWT-bearer grant."""
    state = current_state()
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
    access_token = mint_access_token(state, email, 3599, scope)
    return jsonify({"access_token": access_token, "expires_in": 3599, "token_type": "Bearer"})


blueprint.register_blueprint(certs)
blueprint.register_blueprint(tokeninfo_at_root)


def _id_token_info(token: str) -> Any:
    key = _key()
    try:
        claims = jwt.decode(token, certs={key.kid: key.certificate_pem})  # type: ignore[no-untyped-call]
    except (ValueError, auth_exceptions.GoogleAuthError):
        return _invalid_token()
    info = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in claims.items()}
    info["alg"], info["kid"], info["typ"] = "RS256", key.kid, "JWT"
    return jsonify(info)


def _access_token_info(token: str) -> Any:
    minted = token_book(current_state()).lookup(token) if token else None
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


def _invalid_token() -> Any:
    return jsonify({"error": "invalid_token", "error_description": "Invalid Value"}), 400


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
