"""Nothing lost, nothing doubled: history exactly once in the store and on the History
tab when the store fails part-way through saving a sync, or a write's outcome is never
learned; and one weekly review per request."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from gspread.utils import a1_to_rowcol
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from emulator.testing import Hold, wait_for
from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.services.rollover import rollover_map
from service.services.sweep import sweep
from service.services.sync import SyncDeps, sync_map
from service.sheets import GoogleMapSheets, build_gateway, service_account_credentials
from service.sheets.errors import GoogleUnavailable
from service.store.tables import ReviewRow
from tests.integration.services.conftest import FAST_RETRY, SERVICE_ACCOUNT, World
from tests.integration.services.sheet_view import row_number, tab_cells
from tests.integration.services.store_faults import after, store_fails


def history_tab(world: World, spreadsheet_id: str) -> list[tuple[str, str, str]]:
    """The History tab's rows after its header: (Milestone, Field, New)."""
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "History")[1:]
    shown = [[str(c.get("formattedValue", "")) for c in r] for r in rows]
    return [(r[2], r[3], r[5]) for r in shown if len(r) > 5 and any(r)]


def store_history(world: World, spreadsheet_id: str) -> list[tuple[str | None, str, str | None]]:
    return [(e.milestone_id, e.field, e.new) for e in world.store.history(spreadsheet_id)]


def assert_done_once(world: World, spreadsheet_id: str) -> None:
    """m1 set Done is recorded once, in the store and on the History tab."""
    assert store_history(world, spreadsheet_id) == [("m1", "status", "Done")]
    assert history_tab(world, spreadsheet_id) == [("Pricing proposal review", "Status", "Done")]


def test_a_store_failure_between_history_and_snapshot_records_history_once(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    # The sheet is written; saving the sync then fails after its history, before its
    # snapshot (PostgreSQL: the server ends the connection). Nothing was stored before
    # the write, so the store is left as it was before the sync.
    failing = after("INSERT INTO history_events", "INSERT INTO snapshots")
    with store_fails(world.store.engine, failing) as failed, pytest.raises(OperationalError):
        sync_coalesced(world.backend, sid)
    assert failed, "the store never reached the snapshot"
    assert store_history(world, sid) == []
    # The sheet carries a write token the store never recorded: the next sync reads the
    # History tab's rows too, finds the change again with the same event id, and finds
    # the write's row on the tab: nothing more is written, the change is recorded once.
    world.reset_counters()
    run = sync_coalesced(world.backend, sid)
    assert run.last is not None and run.last.changes == 1 and not run.last.wrote
    assert world.counters(sid).get("sheets.spreadsheets.get") == 2
    assert_done_once(world, sid)
    assert world.store.sync_state(sid) is not None and not world.store.sync_state(sid).pending
    # That token is now known: the sync after reads once.
    world.reset_counters()
    run = sync_coalesced(world.backend, sid)
    assert run.last is not None and run.last.changes == 0 and not run.last.wrote
    assert world.counters(sid).get("sheets.spreadsheets.get") == 1
    assert store_history(world, sid) == [("m1", "status", "Done")]


def impatient_sheets(world: World, timeout_s: float) -> GoogleMapSheets:
    """The backend's spreadsheets through a client that gives up after ``timeout_s``."""
    key = requests.post(
        f"{world.url}/__emulator/oidc/service-account", json={"email": SERVICE_ACCOUNT}, timeout=10
    ).json()
    gateway = build_gateway(
        service_account_credentials(key_info=key),
        api_root=world.url,
        timeout_s=timeout_s,
        retry=FAST_RETRY,
    )
    return GoogleMapSheets(gateway)


@contextmanager
def first_write_held(world: World, spreadsheet_id: str) -> Iterator[Any]:
    """The spreadsheet's next ``batchUpdate`` waits in the emulator until the block ends
    (or ``let_go()``); later ones go through. Yields ``let_go``."""
    url = f"{world.url}/__emulator/faults"
    rule = {
        "method": "sheets.spreadsheets.batchUpdate",
        "spreadsheet_id": spreadsheet_id,
        "hold": True,
        "times": 1,
    }
    rule_id = requests.post(url, json=rule, timeout=10).json()["id"]

    def let_go() -> None:
        requests.delete(url, params={"id": rule_id}, timeout=10).raise_for_status()

    try:
        yield let_go
    finally:
        let_go()


def test_a_write_whose_outcome_was_never_learned_is_shown_once(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    with first_write_held(world, sid) as let_go:
        # The write is slow; the client gives up before Google answers.
        with impatient_sheets(world, timeout_s=3) as sheets, pytest.raises(GoogleUnavailable):
            sync_map(SyncDeps(world.store, sheets, world.clock), sid)
        # The sync is redone while the first write is still on its way: it is not on
        # the sheet, so the work is done again.
        with world.backend.sheets() as sheets:
            assert sync_map(SyncDeps(world.store, sheets, world.clock), sid).wrote
        let_go()
        # The first write lands after all, with the same history row.
        wait_for(lambda: len(history_tab(world, sid)) == 2, what="the held write landing")
    # The sync its notification causes finds the row twice and keeps one: the sheet
    # carries a write token the store did not record, so that sync reads the History
    # tab's rows too (a second read; a sync otherwise reads its header row alone).
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert world.counters(sid).get("sheets.spreadsheets.get") == 2
    assert_done_once(world, sid)
    sync_coalesced(world.backend, sid)
    assert history_tab(world, sid) == [("Pricing proposal review", "Status", "Done")]


def test_a_redone_sync_finds_its_rows_on_the_history_tab_and_adds_none(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    with first_write_held(world, sid) as let_go:
        with impatient_sheets(world, timeout_s=3) as sheets, pytest.raises(GoogleUnavailable):
            sync_map(SyncDeps(world.store, sheets, world.clock), sid)
        let_go()
        wait_for(lambda: len(history_tab(world, sid)) == 1, what="the held write landing")
    world.reset_counters()
    run = sync_coalesced(world.backend, sid)
    assert run.last is not None and not run.last.wrote  # adopted by its token
    assert_done_once(world, sid)


def test_the_sweep_reads_only_the_maps_whose_file_changed_since_their_last_sync(
    world: World,
) -> None:
    maps = [world.provision(account=f"Account {i}").spreadsheet_id for i in range(3)]
    for sid in maps:
        sync_coalesced(world.backend, sid)
    edited, *untouched = maps
    # Edited while the backend was down: its notification never arrived.
    world.edit(edited, f"Plan!G{row_number(world.backend_emulator_state, edited, 'm1')}", "Done")
    world.reset_counters()
    report = sweep(world.backend)
    assert report.changed == 1 and not report.failed
    assert store_history(world, edited) == [("m1", "status", "Done")]
    assert history_tab(world, edited) == [("Pricing proposal review", "Status", "Done")]
    assert world.counters(edited).get("sheets.spreadsheets.get") == 1
    for sid in untouched:
        counts = world.counters(sid)
        assert "sheets.spreadsheets.get" not in counts, counts
        assert counts.get("drive.files.get") == 1, counts
    # Its own write moved the file on, and that was recorded: no read the next time.
    world.reset_counters()
    assert sweep(world.backend).changed == 0
    assert "sheets.spreadsheets.get" not in world.counters(edited)


def lose_the_record_of_a_write(world: World, spreadsheet_id: str) -> str:
    """A person sets m1 Done; the sync's write lands and its record never does (nothing
    is stored before the write), and no notification is left pending (a sync outside the
    lease's bookkeeping, as a process that died with its notification covered). Returns
    the A1 of m1's status cell."""
    status_cell = f"Plan!G{row_number(world.backend_emulator_state, spreadsheet_id, 'm1')}"
    world.edit(spreadsheet_id, status_cell, "Done")
    failing = after("INSERT INTO history_events", "INSERT INTO snapshots")
    with (
        store_fails(world.store.engine, failing),
        world.backend.sheets() as sheets,
        pytest.raises(OperationalError),
    ):
        sync_map(SyncDeps(world.store, sheets, world.clock), spreadsheet_id)
    assert store_history(world, spreadsheet_id) == []
    return status_cell


def test_a_write_whose_record_was_lost_makes_the_next_rollover_read(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    status_cell = lose_the_record_of_a_write(world, sid)
    # A week on, the rollover has cells to change. The file's Drive version is not the
    # one recorded, so it reads the sheet rather than write from the stored plan (a new
    # write token over the lost write's would hide its History row from the next sync).
    world.clock.advance(days=7)
    with world.backend.sheets() as sheets:
        rolled = rollover_map(SyncDeps(world.store, sheets, world.clock), sid)
    assert rolled.read
    assert cell_text(world, sid, status_cell) == "Done"
    assert_done_once(world, sid)
    sync_coalesced(world.backend, sid)
    assert history_tab(world, sid) == [("Pricing proposal review", "Status", "Done")]


def test_a_write_whose_record_was_lost_is_read_by_the_next_sweep(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    status_cell = lose_the_record_of_a_write(world, sid)
    report = sweep(world.backend)
    assert report.changed == 1 and not report.failed
    assert cell_text(world, sid, status_cell) == "Done"
    assert_done_once(world, sid)
    world.reset_counters()
    assert sweep(world.backend).changed == 0
    assert "sheets.spreadsheets.get" not in world.counters(sid)


def cell_text(world: World, spreadsheet_id: str, a1: str) -> str:
    """What the Plan tab's cell ``a1`` ("Plan!G12") shows."""
    row, column = a1_to_rowcol(a1.split("!")[1])
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "Plan")
    return str(rows[row - 1][column - 1].get("formattedValue", ""))


def reviews_on_the_tab(world: World, spreadsheet_id: str) -> int:
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "Reviews")[1:]
    return sum(1 for r in rows if len(r) > 1 and r[1].get("formattedValue") == "Review")


def test_one_review_request_appends_one_review_even_if_notified_meanwhile(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=8)
    with (
        ThreadPoolExecutor(1) as pool,
        Hold(world.url, "sheets.spreadsheets.batchUpdate", sid) as hold,
    ):
        review = pool.submit(run_review, world.backend, sid)
        hold.wait_until_held()  # the review's write is on its way
        world.store.request_sync(sid)  # the Drive notification of that write
        hold.release()
        review.result(timeout=120)
    assert reviews_on_the_tab(world, sid) == 1
    with world.store.engine.connect() as connection:
        stored = connection.scalar(
            select(func.count()).select_from(ReviewRow).where(ReviewRow.spreadsheet_id == sid)
        )
    assert stored == 1
    assert not world.store.sync_state(sid).pending
