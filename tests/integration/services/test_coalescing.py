"""I4: at most one sync per spreadsheet at a time, notifications coalesced; after the
last notification the sheet converges. In one process with threads, and across two OS
processes sharing PostgreSQL."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

import tests.integration.services.burst as burst_module
from emulator.testing import Hold, wait_for
from service.services.coalesce import sync_coalesced
from tests.integration.services.burst import child_process_burst, due_for
from tests.integration.services.conftest import (
    BUYER,
    SERVICE_ACCOUNT,
    World,
)
from tests.integration.services.sheet_view import milestone_rows, row_number

READ = "sheets.spreadsheets.get"


def converged(world: World, spreadsheet_id: str, expected_due: str) -> None:
    """The sheet shows the last edit, and one more sync finds nothing to write."""
    rows = milestone_rows(world.backend_emulator_state, spreadsheet_id)
    assert rows["m2"]["Target date"] == expected_due, rows["m2"]
    world.reset_counters()
    run = sync_coalesced(world.backend, spreadsheet_id)
    assert run.last is not None and not run.last.wrote
    assert world.counters(spreadsheet_id).get("sheets.spreadsheets.batchUpdate") is None


def notifications(world: World, spreadsheet_id: str) -> int:
    """How many change notifications the MAP has had."""
    state = world.store.sync_state(spreadsheet_id)
    return state.requested if state is not None else 0


def shown(index: int) -> str:
    day = due_for(index)
    return f"{day:%b} {day.day}, {day.year}"


def test_i4_a_hundred_notifications_during_a_sync_give_exactly_one_more_sync(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    cell = f"Plan!F{row_number(world.backend_emulator_state, sid, 'm2')}"
    applied: list[int] = []
    before = notifications(world, sid)
    with ThreadPoolExecutor(max_workers=1) as runner, Hold(world.url, READ, sid) as hold:
        # The first sync's read is held while all hundred edits and notifications arrive.
        burst = runner.submit(
            burst_module.edit_and_notify,
            applied=applied,
            emulator_url=world.url,
            backend=world.backend,
            spreadsheet_id=sid,
            cell=cell,
            buyer_token=world.token_for(BUYER),
            indexes=list(range(100)),
            threads=20,
        )
        wait_for(lambda: notifications(world, sid) == before + 100, what="the hundred notices")
        hold.wait_until_held()
        hold.release()
        syncs = burst.result(timeout=120)
    # The held sync, then one more for everything that arrived during it.
    assert syncs == 2
    assert sorted(applied) == list(range(100))
    converged(world, sid, shown(applied[-1]))


@pytest.mark.postgres
def test_i4_two_processes_on_postgresql_sync_one_at_a_time_and_converge(
    postgres_world: World,
) -> None:
    world = postgres_world
    database_url = world.database_url
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    cell = f"Plan!F{row_number(world.backend_emulator_state, sid, 'm2')}"
    key = requests.post(
        f"{world.url}/__emulator/oidc/service-account", json={"email": SERVICE_ACCOUNT}, timeout=10
    ).json()
    token = world.token_for(BUYER)
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    halves = [list(range(0, 100, 2)), list(range(1, 100, 2))]
    processes: list[Any] = [
        context.Process(
            target=child_process_burst,
            args=(
                world.url,
                database_url,
                key,
                SERVICE_ACCOUNT,
                sid,
                cell,
                token,
                half,
                start,
                results,
                world.clock.offset,
            ),
        )
        for half in halves
    ]
    before = notifications(world, sid)
    try:
        with Hold(world.url, READ, sid) as hold:
            for process in processes:
                process.start()
            start.set()
            # Both processes type and notify while the first sync's read is held.
            wait_for(lambda: notifications(world, sid) == before + 100, what="the hundred notices")
            hold.wait_until_held()
        for process in processes:
            process.join(120)
            assert process.exitcode == 0
        syncs = results.get(timeout=5) + results.get(timeout=5)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
    # The held sync, then one more for everything that arrived during it, in either process.
    assert syncs == 2
    # Both processes typed concurrently: the last edit is whatever the cell holds now.
    last = milestone_rows(world.backend_emulator_state, sid)["m2"]["Due"]
    converged(world, sid, last)
