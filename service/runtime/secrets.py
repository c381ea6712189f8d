"""The database password, kept out of ``DATABASE_URL``: given as
``MAP_DATABASE_PASSWORD`` (Cloud Run fills it from Secret Manager) or read from Secret
Manager when the process starts (``MAP_DATABASE_PASSWORD_SECRET``, a secret version's
name; App Engine has no such binding). Read with the backend's own credentials; the
password is never logged."""

from __future__ import annotations

import base64
import binascii

import google.auth
import requests
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from sqlalchemy.engine import make_url

from service.config import Settings

SECRET_MANAGER = "https://secretmanager.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


class SecretUnavailable(RuntimeError):
    """The secret could not be read (says which, never its value)."""


def database_url(settings: Settings) -> str:
    """``DATABASE_URL`` with the password of the settings put in, if there is one."""
    url = settings.resolved_database_url()
    password = settings.database_password
    if not password and settings.database_password_secret:
        password = access_secret(settings, settings.database_password_secret)
    if not password:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def access_secret(settings: Settings, name: str) -> str:
    """The value of the secret version ``name`` (projects/P/secrets/S/versions/V)."""
    root = settings.emulator_url.rstrip("/") if settings.google_mode == "local" else SECRET_MANAGER
    session = AuthorizedSession(_credentials(settings))  # type: ignore[no-untyped-call]
    try:
        reply = session.get(f"{root}/v1/{name}:access", timeout=settings.google_timeout_s)
    except (requests.RequestException, auth_exceptions.GoogleAuthError) as exc:
        raise SecretUnavailable(f"Secret Manager did not answer for {name}") from exc
    finally:
        session.close()  # type: ignore[no-untyped-call]
    if reply.status_code != 200:
        raise SecretUnavailable(f"Secret Manager refused {name} (HTTP {reply.status_code})")
    try:
        return base64.b64decode(reply.json()["payload"]["data"]).decode()
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise SecretUnavailable(f"Secret Manager's answer for {name} holds no value") from exc


def _credentials(settings: Settings) -> Credentials:
    factory = service_account.Credentials
    if settings.google_mode == "local":
        from service.runtime.gateways import emulator_key_file

        info = emulator_key_file(settings)
        local: Credentials = factory.from_service_account_info(info, scopes=SCOPES)  # type: ignore[no-untyped-call]
        return local
    if settings.service_account_file:
        keyed: Credentials = factory.from_service_account_file(  # type: ignore[no-untyped-call]
            settings.service_account_file, scopes=SCOPES
        )
        return keyed
    credentials, _ = google.auth.default(scopes=SCOPES)
    return credentials
