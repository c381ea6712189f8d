"""What the routes share, built once by the app factory and kept on the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import requests
from flask import current_app, request

from service.config import Settings
from service.runtime.gateways import ServiceSheets
from service.runtime.sync_pool import SyncPool
from service.runtime.sync_queue import SyncQueue
from service.services.action_links import ActionLinks
from service.services.backend import Backend
from service.store.records import MapRecord
from service.templates import Template
from service.web.auth import Caller, IdTokenVerifier, bearer_token
from service.web.errors import NotFound

if TYPE_CHECKING:  # Google's Cloud Tasks library is loaded only when it is used
    from service.runtime.background_tasks import BackgroundTasks

EXTENSION = "map_backend"


@dataclass
class WebContext:
    settings: Settings
    backend: Backend
    verifier: IdTokenVerifier
    syncs: SyncQueue
    templates: dict[str, Template]
    service_sheets: ServiceSheets
    http: requests.Session

    # spreadsheet id -> organisation of its MAP; a MAP's organisation never changes, so
    # a hook can check its caller without reading the MAP's row every time.
    map_orgs: dict[str, str] = field(default_factory=dict)
    # The one-click links of reminders (None: no link secret set).
    links: ActionLinks | None = None
    # The cron jobs' fan-out on Cloud Tasks (None: they run in the cron request).
    background: BackgroundTasks | None = None
    # The in-process sweep's thread, started on its first MAP (unused when the sweep
    # fans out on Cloud Tasks).
    sweeps: SyncPool = field(default_factory=lambda: SyncPool(lambda _sid: None))

    def close(self) -> None:
        """Finish the background syncs, then close connections (Google's, the store's)."""
        self.syncs.close()
        if self.background is not None:
            self.background.close()
        self.sweeps.close()
        self.service_sheets.close()
        self.http.close()
        self.backend.store.close()


def web() -> WebContext:
    context: WebContext = current_app.extensions[EXTENSION]
    return context


def authenticated_caller() -> Caller:
    """The caller of this request, from its ID token; 401 when there is none or it is
    invalid."""
    return web().verifier.verify(bearer_token(request.headers.get("Authorization")))


def owned_map(caller: Caller, spreadsheet_id: str) -> MapRecord:
    """The MAP, if the caller's organisation owns it; 404 when there is none *and* when it
    belongs to another organisation, with the same answer, so that nobody outside can
    tell which spreadsheets hold a MAP."""
    record = web().backend.store.get_map(spreadsheet_id) if plausible_id(spreadsheet_id) else None
    if record is None or record.org != caller.org:
        raise no_map(spreadsheet_id)
    return record


def no_map(spreadsheet_id: str) -> NotFound:
    """The one answer for "no MAP here" and "not your organisation's MAP"."""
    return NotFound(f"no MAP in spreadsheet {spreadsheet_id[:200]}")


MAP_ORGS_KEPT = 50_000


def check_map_org(caller: Caller, spreadsheet_id: str) -> None:
    """Like :func:`owned_map` (404 either way), remembering each MAP's organisation."""
    context = web()
    org = context.map_orgs.get(spreadsheet_id)
    if org is None:
        org = owned_map(caller, spreadsheet_id).org
        if len(context.map_orgs) >= MAP_ORGS_KEPT:
            context.map_orgs.clear()
        context.map_orgs[spreadsheet_id] = org
    if org != caller.org:
        raise no_map(spreadsheet_id)


def plausible_id(identifier: str) -> bool:
    """Worth looking up: not too long and free of NUL characters, which no spreadsheet
    or channel id has (and which PostgreSQL refuses in a query)."""
    return 0 < len(identifier) <= 200 and "\x00" not in identifier
