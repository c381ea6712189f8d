"""Build the use cases' :class:`Backend` from :class:`~service.config.Settings`: the store
(migrated) and the gateways, for Google or the local emulator. Used by the command line;
the web app adds its own request-scoped pieces around the same parts.
"""

from __future__ import annotations

from typing import Any

import requests

from service.config import Settings
from service.services.backend import Backend
from service.store.store import Store
from service.web.gateways import ServiceGateways, user_gateway


class BackendUnavailable(Exception):
    """Something the backend needs does not answer (the emulator, the database)."""


def build_backend(settings: Settings, *, drive_hook_url: str = "") -> Backend:
    if settings.google_mode == "local":
        _check_emulator(settings)
    try:
        store = Store.from_url(settings.resolved_database_url())
        store.migrate()
    except Exception as exc:
        raise BackendUnavailable(
            f"the store at {settings.resolved_database_url()} is unusable: {exc}"
        ) from exc
    template = settings.resolved_sheet_url_template()
    emulator_url = settings.emulator_url.rstrip("/")
    return Backend(
        store=store,
        service_gateway=ServiceGateways(settings),
        user_gateway=lambda token: user_gateway(settings, token),
        service_account_email=settings.service_account_email,
        drive_hook_url=drive_hook_url,
        sheet_url=lambda sid: template.format(emulator_url=emulator_url, spreadsheet_id=sid),
    )


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
