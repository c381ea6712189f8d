"""A backend killed (SIGKILL) while MAPs have pending edits: once it is started again,
every MAP converges within seconds (short leases, pending work resumed at start), with
each change in the history once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator.testing import wait_for
from service.store import Store
from tests.clock import real_today
from tests.db_fixtures import BACKENDS, backend_database_url
from tests.e2e.backend_process import BackendProcess, held, hold_all, let_go
from tests.integration.web.flows import BUYER, FIRST_STATUS_CELL, MAP_BODY, edit_cell
from tests.integration.web.tokens import access_token, id_token

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_backend", BACKENDS)]

MAPS = 4
# The time the issue asks for: every MAP settled this soon after the restart.
CONVERGED_WITHIN_S = 30.0


@pytest.fixture
def backend(db_backend: str, tmp_path: Path, real_time_emulator: Any) -> Iterator[BackendProcess]:
    with backend_database_url(db_backend, tmp_path) as database_url:
        process = BackendProcess(database_url, real_time_emulator.url, tmp_path)
        process.database_url = database_url  # type: ignore[attr-defined]
        try:
            yield process
        finally:
            requests.delete(f"{real_time_emulator.url}/__emulator/faults", timeout=10)
            process.stop()


def create_maps(url: str, emulator_url: str, count: int) -> list[str]:
    headers = {
        "Authorization": f"Bearer {id_token(emulator_url)}",
        "X-Goog-Access-Token": access_token(emulator_url),
    }
    body = {**MAP_BODY, "go_live": (real_today() + timedelta(days=128)).isoformat()}
    made = []
    for i in range(count):
        reply = requests.post(
            f"{url}/api/maps", json={**body, "account": f"Account {i}"}, headers=headers, timeout=60
        )
        assert reply.status_code == 201, reply.text
        made.append(str(reply.json()["spreadsheet_id"]))
    return made


def converged(store: Store, spreadsheet_ids: list[str]) -> bool:
    for sid in spreadsheet_ids:
        state = store.sync_state(sid)
        done = [e for e in store.history(sid) if e.field == "status" and e.new == "Done"]
        if state is None or state.pending or len(done) != 1:
            return False
    return True


def test_pending_edits_of_a_killed_backend_settle_within_seconds_of_a_restart(
    backend: BackendProcess, real_time_emulator: Any
) -> None:
    emulator = real_time_emulator.url
    backend.start()
    maps = create_maps(backend.url, emulator, MAPS)
    reads = hold_all(emulator, "sheets.spreadsheets.get")
    for sid in maps:
        edit_cell(emulator, sid, FIRST_STATUS_CELL, "Done", as_user=BUYER)
    # Every MAP's sync is inside its read when the backend dies.
    wait_for(lambda: held(emulator, reads) >= MAPS, what="every MAP's sync reading")
    backend.kill()
    let_go(emulator, reads)
    with Store.from_url(backend.database_url) as store:  # type: ignore[attr-defined]
        assert all(store.sync_state(sid).pending for sid in maps)
        backend.start()
        wait_for(
            lambda: converged(store, maps),
            timeout_s=CONVERGED_WITHIN_S,
            what="every MAP synced after the restart",
        )
