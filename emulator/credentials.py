"""Credentials minted on request, for tests and local mode (control endpoints):

    POST /__emulator/oidc/id-token         {email, audience, email_verified?, hd?, name?,
                                            expires_in?, issuer?, nonce?}
    POST /__emulator/oidc/access-token     {email, expires_in?, scope?}
    POST /__emulator/oidc/service-account  {email?, project_id?}  -> a key file

An ID token is what ``ScriptApp.getIdentityToken()`` gives the add-on; an access token
stands for its user until it expires; a key file works with google-auth's service
account credentials, its ``token_uri`` being the emulator.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from emulator.context import base_url, current_state
from emulator.errors import GoogleApiError
from emulator.oidc import id_token_claims, mint_id_token
from emulator.service_accounts import DEFAULT_ACCOUNT, issue_key_file
from emulator.users import mint_access_token

MAX_EXPIRES_IN = 86400 * 366

# Nested in the control blueprint: endpoints ``emulator.oidc.*``.
blueprint = Blueprint("oidc", __name__)


@blueprint.post("/oidc/id-token", endpoint="id_token")
def new_id_token() -> Any:
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
    return jsonify({"id_token": mint_id_token(current_state(), claims), "claims": claims})


@blueprint.post("/oidc/access-token", endpoint="access_token")
def new_access_token() -> Any:
    """Mint an opaque OAuth access token that stands for ``email``."""
    data = _body()
    email = _email_field(data)
    expires_in = _int_field(data, "expires_in", 3599)
    scope = str(data.get("scope", "https://www.googleapis.com/auth/drive"))
    token = mint_access_token(current_state(), email, expires_in, scope)
    return jsonify(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": scope,
        }
    )


@blueprint.post("/oidc/service-account", endpoint="service_account")
def new_service_account_key() -> Any:
    """Issue a service-account key file whose token_uri is this emulator."""
    data = request.get_json(silent=True) or {}
    email = str(data.get("email") or DEFAULT_ACCOUNT)
    if "@" not in email:
        return jsonify({"error": {"code": 400, "message": "'email' is not an email"}}), 400
    project = str(data.get("project_id") or email.split("@", 1)[1].split(".", 1)[0])
    return jsonify(issue_key_file(current_state(), base_url(), email, project))


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
