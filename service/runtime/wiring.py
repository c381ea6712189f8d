"""The use cases' :class:`Backend` built from the settings: the store, the MAP
spreadsheets as the backend (a Google client per thread) and as a seller, the links and
the Drive hook address. Used by the web app, the ``map`` command and the sync processes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from service.clock import Clock
from service.config import Settings
from service.runtime.gateways import ServiceSheets, seller_sheets
from service.runtime.secrets import database_url
from service.services.backend import Backend
from service.services.map_sheets import MapSheets
from service.store.store import Store


def build_store(settings: Settings, *, migrate: bool, clock: Clock | None = None) -> Store:
    url = database_url(settings)
    engine_options: dict[str, Any] = {}
    if url.startswith("postgresql"):
        size = settings.database_pool_size
        # No ping before each use (a round trip per transaction, on the hook's path);
        # connections are recycled before a server or proxy drops them as idle instead.
        engine_options.update(
            pool_size=size, max_overflow=size, pool_pre_ping=False, pool_recycle=300
        )
    store = Store.from_url(url, clock=clock or Clock(), **engine_options)
    if migrate:
        store.migrate()
    return store


def build_backend(
    settings: Settings,
    store: Store,
    service_sheets: ServiceSheets,
    *,
    keep_seller_sheets: Callable[[MapSheets], MapSheets] = lambda sheets: sheets,
    clock: Clock | None = None,
) -> Backend:
    """``keep_seller_sheets`` sees every seller's MapSheets made (to close it later);
    ``clock`` is the process's one clock (the store's too)."""
    public_url = settings.public_url.rstrip("/")
    return Backend(
        store=store,
        sheets=service_sheets,
        seller_sheets=lambda token: keep_seller_sheets(seller_sheets(settings, token)),
        service_account_email=settings.service_account_email,
        drive_hook_url=f"{public_url}/hooks/drive" if public_url else "",
        sheet_url=sheet_url_builder(settings),
        now=clock or Clock(),
    )


def sheet_url_builder(settings: Settings) -> Callable[[str], str]:
    """The link to a spreadsheet, from the settings' template (checked here, at start)."""
    template = settings.resolved_sheet_url_template()
    emulator_url = settings.emulator_url.rstrip("/")
    try:
        template.format(emulator_url=emulator_url, spreadsheet_id="x")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"MAP_SHEET_URL_TEMPLATE {template!r} may only use {{emulator_url}} and "
            "{spreadsheet_id}"
        ) from exc

    def sheet_url(spreadsheet_id: str) -> str:
        return template.format(emulator_url=emulator_url, spreadsheet_id=quote(spreadsheet_id))

    return sheet_url
