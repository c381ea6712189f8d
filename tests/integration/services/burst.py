"""A burst of buyer edits and change notifications for one MAP, from threads in one
process; importable by child processes (the two-process test spawns it)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import requests

from service.clock import Clock
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.sheets import (
    GoogleMapSheets,
    RetryPolicy,
    build_gateway,
    service_account_credentials,
)
from service.store import Store
from tests.clock import START

# Six weeks after the tests' clock starts: well before the plan's go-live.
FIRST_DUE = START.date() + timedelta(days=42)


def due_for(index: int) -> date:
    """The Due date edit number ``index`` types (distinct, all weekdays)."""
    day = FIRST_DUE + timedelta(days=index)
    while day.weekday() >= 5:
        day += timedelta(days=2)
    return day


def edit_and_notify(
    *,
    emulator_url: str,
    backend: Backend,
    spreadsheet_id: str,
    cell: str,
    buyer_token: str,
    indexes: list[int],
    threads: int = 10,
    applied: list[int] | None = None,
) -> int:
    """For each index: type its Due date into ``cell`` as the buyer, then notify. Returns
    how many syncs ran in this process; ``applied`` gets the indexes in the order the
    edits landed."""
    lock = threading.Lock()
    session = requests.Session()

    def one(index: int) -> int:
        with lock:  # edits land in index order within this process
            reply = session.put(
                f"{emulator_url}/v4/spreadsheets/{spreadsheet_id}/values/{cell}",
                params={"valueInputOption": "USER_ENTERED"},
                json={"values": [[due_for(index).isoformat()]]},
                headers={"Authorization": f"Bearer {buyer_token}"},
                timeout=30,
            )
            reply.raise_for_status()
            if applied is not None:
                applied.append(index)
        return sync_coalesced(backend, spreadsheet_id).syncs

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return sum(pool.map(one, indexes))
    finally:
        session.close()


def child_process_burst(
    emulator_url: str,
    database_url: str,
    service_key: dict[str, Any],
    service_account: str,
    spreadsheet_id: str,
    cell: str,
    buyer_token: str,
    indexes: list[int],
    start: Any,
    results: Any,
    clock_offset: timedelta,
) -> None:
    """Entry point of a child process: its own store connection and gateways, and the
    parent test's clock."""
    clock = Clock(clock_offset)
    store = Store.from_url(database_url, clock=clock)
    credentials = service_account_credentials(key_info=service_key)
    retry = RetryPolicy(max_retries=6, base_delay_s=0.01, max_delay_s=0.05)
    backend = Backend(
        store=store,
        sheets=lambda: GoogleMapSheets(
            build_gateway(credentials, api_root=emulator_url, retry=retry)
        ),
        seller_sheets=lambda token: GoogleMapSheets(
            build_gateway(credentials, api_root=emulator_url)
        ),
        service_account_email=service_account,
        now=clock,
    )
    try:
        start.wait(30)
        results.put(
            edit_and_notify(
                emulator_url=emulator_url,
                backend=backend,
                spreadsheet_id=spreadsheet_id,
                cell=cell,
                buyer_token=buyer_token,
                indexes=indexes,
            )
        )
    finally:
        store.close()
