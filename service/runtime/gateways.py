"""The gateways the use cases get from the web app: the backend's own (one per thread,
built on first use) and a seller's (for the one request that creates their MAP).

``google`` mode: the service-account key file of the settings, else Application Default
Credentials (App Engine's service account). ``local`` mode: the emulator issues a key
file for the configured service account once, on first use, and every gateway talks to
the emulator with it, through the same google-auth code path as in production.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from google.auth import credentials as auth_credentials
from google.auth.credentials import Credentials

from service.config import Settings
from service.sheets.clients import (
    PerThreadGateways,
    build_gateway,
    service_account_credentials,
)
from service.sheets.errors import GoogleUnavailable
from service.sheets.gateway import RetryPolicy, SheetsGateway


class ServiceGateways:
    """Call it for the backend's gateway on this thread (one per thread, kept: see
    :class:`~service.sheets.clients.PerThreadGateways`), with credentials made once."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._credentials: Credentials | None = None
        self._per_thread = PerThreadGateways(self._build)

    def __call__(self) -> SheetsGateway:
        return self._per_thread()

    def close(self) -> None:
        """Close every thread's gateway (at shutdown)."""
        self._per_thread.close()

    def _build(self) -> SheetsGateway:
        return build_gateway(
            self._credentials_once(),
            api_root=api_root(self._settings),
            timeout_s=self._settings.google_timeout_s,
            retry=RetryPolicy(max_retries=self._settings.google_max_retries),
        )

    def _credentials_once(self) -> Credentials:
        with self._lock:
            if self._credentials is None:
                settings = self._settings
                if settings.google_mode == "local":
                    key = emulator_key_file(settings)
                    self._credentials = service_account_credentials(key_info=key)
                else:
                    self._credentials = service_account_credentials(settings.service_account_file)
            return self._credentials


class SellerTokenRejected(Exception):
    """Google refused the seller's OAuth access token (expired or revoked)."""


class SellerAccessToken(auth_credentials.Credentials):
    """A person's short-lived access token, used as it is. It cannot be refreshed: when
    Google refuses it, the request fails with :class:`SellerTokenRejected` (the add-on
    asks for a fresh one) rather than google-auth's refresh error."""

    def __init__(self, token: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.token = token

    def refresh(self, request: Any) -> None:
        raise SellerTokenRejected(
            "Google did not accept the seller's access token (expired or revoked); "
            "reopen the add-on and try again"
        )


def user_gateway(settings: Settings, access_token: str) -> SheetsGateway:
    """A gateway acting as the person whose OAuth access token this is."""
    return build_gateway(
        SellerAccessToken(access_token),
        api_root=api_root(settings),
        timeout_s=settings.google_timeout_s,
        retry=RetryPolicy(max_retries=settings.google_max_retries),
    )


def close_gateway(gateway: SheetsGateway) -> None:
    """Close a gateway's connections (a closed one reconnects if used again)."""
    close = getattr(gateway, "close", None)
    if callable(close):
        close()


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
        raise GoogleUnavailable(
            f"the emulator at {settings.emulator_url} did not answer", status=503
        ) from exc
    if response.status_code != 200:
        raise GoogleUnavailable(
            f"the emulator refused a service-account key (HTTP {response.status_code})",
            status=503,
        )
    key: dict[str, Any] = response.json()
    return key
