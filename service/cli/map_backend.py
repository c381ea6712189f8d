"""The Backend the ``map`` commands use: the runtime's wiring (store, Google clients,
links) from the settings, after checking that what it needs answers."""

from __future__ import annotations

from typing import Any

import requests

from service.config import Settings
from service.runtime import wiring
from service.runtime.gateways import ServiceSheets
from service.services.backend import Backend


class BackendUnavailable(Exception):
    """Something the backend needs does not answer (the emulator, the database)."""


def build_backend(settings: Settings) -> Backend:
    """The Backend the web app runs on, without Drive watches (a command runs no hook to
    receive them)."""
    if settings.google_mode == "local":
        _check_emulator(settings)
    try:
        store = wiring.build_store(settings, migrate=True)
    except Exception as exc:  # any driver or migration error means the same to a user
        raise BackendUnavailable(
            f"the store at {settings.resolved_database_url()} is unusable: {exc}"
        ) from exc
    backend = wiring.build_backend(settings, store, ServiceSheets(settings, store))
    backend.drive_hook_url = ""
    return backend


def seller_token_for(settings: Settings, email: str) -> str:
    """In local mode, an access token the emulator mints for ``email``."""
    reply = requests.post(
        f"{settings.emulator_url.rstrip('/')}/__emulator/oidc/access-token",
        json={"email": email},
        timeout=settings.google_timeout_s,
    )
    reply.raise_for_status()
    body: dict[str, Any] = reply.json()
    return str(body["access_token"])


def _check_emulator(settings: Settings) -> None:
    url = settings.emulator_url.rstrip("/")
    try:
        requests.get(f"{url}/__emulator/health", timeout=3).raise_for_status()
    except requests.RequestException as exc:
        raise BackendUnavailable(
            f"no emulator answers at {url}: start it with `python -m service serve` "
            "(or `python -m service emulator --port 8765`), or set MAP_EMULATOR_URL"
        ) from exc
