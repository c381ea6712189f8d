"""A backend killed (SIGKILL) while MAPs have pending edits, and one that kills itself at
each step of a sync (read, compute, write, store): once it is started again, every MAP
converges within seconds (short leases, pending work resumed at start), with each change
once in the store's history and once on the History tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator.testing import wait_for
from service.services.crash_points import ENV, STEPS
from service.store import Store
from tests.clock import real_today
from tests.db_fixtures import BACKENDS, backend_database_url
from tests.e2e.backend_process import BackendProcess, held, hold_all, let_go
from tests.integration.web.flows import (
    BUYER,
    FIRST_STATUS_CELL,
    MAP_BODY,
    edit_cell,
    read_range,
)
from tests.integration.web.tokens import access_token, id_token

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_backend", BACKENDS)]

MAPS = 4
# The time the issue asks for: every MAP settled this soon after the restart.
CONVERGED_WITHIN_S = 30.0


@pytest.fixture
def backend(db_backend: str, tmp_path: Path, real_time_emulator: Any) -> Iterator[BackendProcess]:
    with backend_database_url(db_backend, tmp_path) as database_url:
        crash_file = tmp_path / "crash-point"
        process = BackendProcess(
            database_url, real_time_emulator.url, tmp_path, **{ENV: str(crash_file)}
        )
        process.crash_file = crash_file  # type: ignore[attr-defined]
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


def done_on_the_history_tab(emulator_url: str, spreadsheet_id: str) -> int:
    rows = read_range(emulator_url, spreadsheet_id, "History!A2:I") or []
    return sum(1 for r in rows if len(r) > 5 and r[3] == "Status" and r[5] == "Done")


@pytest.mark.parametrize("step", STEPS)
def test_a_backend_killed_at_any_step_of_a_sync_records_the_change_once(
    backend: BackendProcess, real_time_emulator: Any, step: str
) -> None:
    emulator = real_time_emulator.url
    crash_file: Path = backend.crash_file  # type: ignore[attr-defined]
    backend.start()
    (sid,) = create_maps(backend.url, emulator, 1)
    with Store.from_url(backend.database_url) as store:  # type: ignore[attr-defined]
        wait_for(
            lambda: store.sync_state(sid) is None or not store.sync_state(sid).pending,
            what="the new MAP settled",
        )
        crash_file.write_text(step)
        edit_cell(emulator, sid, FIRST_STATUS_CELL, "Done", as_user=BUYER)
        wait_for(lambda: not crash_file.exists(), what=f"the backend killing itself at {step}")
        backend.kill()  # and gunicorn with it (it would start a new worker at once)
        backend.start()
        wait_for(
            lambda: converged(store, [sid]) and done_on_the_history_tab(emulator, sid) >= 1,
            timeout_s=CONVERGED_WITHIN_S,
            what=f"the MAP synced after a crash at {step}",
        )
        assert done_on_the_history_tab(emulator, sid) == 1
        assert [e.new for e in store.history(sid) if e.field == "status"] == ["Done"]
