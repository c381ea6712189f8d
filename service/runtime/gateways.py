"""The MAP spreadsheets the use cases get: as the backend's service account (a Google
client per thread, built on first use) and as a seller (for the one request that
creates their MAP).

``google`` mode: the service-account key file of the settings, else Application Default
Credentials (App Engine's service account). ``local`` mode: the emulator issues a key
file for the configured service account once, on first use, and every client talks to
the emulator with it, through the same google-auth code path as in production.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from google.auth.credentials import Credentials

from service import sheets
from service.config import Settings
from service.runtime.quota_budget import StoreQuotaBudget
from service.services.map_sheets import MapSheets
from service.store.sheets_quota import SheetsQuota


class ServiceSheets:
    """Call it for the backend's MapSheets on this thread: one Google client per thread,
    kept (see :class:`~service.sheets.PerThreadGateways`), credentials made once. With
    a store, every Sheets call first takes a unit of the account's budget there
    (:mod:`~service.runtime.quota_budget`)."""

    def __init__(self, settings: Settings, store: SheetsQuota | None = None) -> None:
        self._settings = settings
        self._budget = (
            None
            if store is None
            else StoreQuotaBudget(
                store,
                settings.service_account_email,
                reads=settings.sheets_reads_per_minute,
                writes=settings.sheets_writes_per_minute,
            )
        )
        self._lock = threading.Lock()
        self._credentials: Credentials | None = None
        self._per_thread = sheets.PerThreadGateways(self._build)

    def __call__(self) -> MapSheets:
        return sheets.GoogleMapSheets(self._per_thread())

    def close(self) -> None:
        """Close every thread's client (at shutdown)."""
        self._per_thread.close()

    def _build(self) -> sheets.SheetsGateway:
        return sheets.build_gateway(
            self._credentials_once(),
            api_root=api_root(self._settings),
            timeout_s=self._settings.google_timeout_s,
            retry=sheets.RetryPolicy(max_retries=self._settings.google_max_retries),
            budget=self._budget,
        )

    def _credentials_once(self) -> Credentials:
        with self._lock:
            if self._credentials is None:
                settings = self._settings
                if settings.google_mode == "local":
                    key = emulator_key_file(settings)
                    self._credentials = sheets.service_account_credentials(key_info=key)
                else:
                    self._credentials = sheets.service_account_credentials(
                        settings.service_account_file
                    )
            return self._credentials


def seller_sheets(settings: Settings, access_token: str) -> MapSheets:
    """MapSheets acting as the person whose OAuth access token this is."""
    return sheets.GoogleMapSheets(
        sheets.build_gateway(
            sheets.user_credentials(access_token),
            api_root=api_root(settings),
            timeout_s=settings.google_timeout_s,
            retry=sheets.RetryPolicy(max_retries=settings.google_max_retries),
        )
    )


def api_root(settings: Settings) -> str | None:
    return settings.emulator_url.rstrip("/") if settings.google_mode == "local" else None


def emulator_key_file(settings: Settings) -> dict[str, Any]:
    """A service-account key file the emulator issues for the configured account."""
    url = f"{settings.emulator_url.rstrip('/')}/__emulator/oidc/service-account"
    try:
        response = requests.post(
            url, json={"email": settings.service_account_email}, timeout=settings.google_timeout_s
        )
    except requests.RequestException as exc:
        raise sheets.GoogleUnavailable(
            f"the emulator at {settings.emulator_url} did not answer", status=503
        ) from exc
    if response.status_code != 200:
        raise sheets.GoogleUnavailable(
            f"the emulator refused a service-account key (HTTP {response.status_code})",
            status=503,
        )
    key: dict[str, Any] = response.json()
    return key
