"""A sync reads the History and Reviews tabs' rows only when it needs them: both tabs
grow for as long as the MAP lives, and a long-lived MAP's sync would otherwise read (and
parse) all of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.services.sync import (
    SyncDeps,
    load_inputs,
    needs_history_rows,
    needs_review_rows,
    sync_map,
)
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import row_number, tab_cells


def history_rows_on_the_tab(world: World, spreadsheet_id: str) -> int:
    return len(tab_cells(world.backend_emulator_state, spreadsheet_id, "History")) - 1


def edited_and_synced(world: World, spreadsheet_id: str, edits: int) -> None:
    for n in range(edits):
        row = row_number(world.backend_emulator_state, spreadsheet_id, f"m{n + 1}")
        world.edit(spreadsheet_id, f"Plan!I{row}", f"note {n}")
        sync_coalesced(world.backend, spreadsheet_id)


def test_a_read_without_history_leaves_the_tabs_rows_unread(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    edited_and_synced(world, sid, 3)
    assert history_rows_on_the_tab(world, sid) == 3
    with world.backend.sheets() as sheets:
        full = sheets.read(sid, now=world.clock())
        header_only = sheets.read(sid, now=world.clock(), history=False)
    assert len(full.read.history_events) == 3
    assert len(full.read.logged) == 3
    assert header_only.read.history_events == {}
    assert not header_only.read.logged
    # What the rest of the sync uses is the same either way.
    assert header_only.read.rows == full.read.rows
    assert header_only.read.history_event_header
    assert header_only.write_token == full.write_token


def test_only_a_sync_with_something_to_look_for_reads_the_history_rows(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    edited_and_synced(world, sid, 2)
    assert not needs_history_rows(load_inputs(world.store, sid).state)

    # A go-live move without a reason: the next syncs look for one on its History row.
    world.edit(sid, "Plan!C4", (world.go_live() + timedelta(weeks=1)).isoformat())
    sync_coalesced(world.backend, sid)
    assert needs_history_rows(load_inputs(world.store, sid).state)

    edited_and_synced(world, sid, 1)
    history = tab_cells(world.backend_emulator_state, sid, "History")
    moved = next(
        n for n, row in enumerate(history) if row[3].get("formattedValue") == "Committed Go-Live"
    )
    world.edit(sid, f"History!G{moved + 1}", "Procurement asked for a week")
    sync_coalesced(world.backend, sid)
    state = load_inputs(world.store, sid).state
    assert [m.reason for m in state.close_moves] == ["Procurement asked for a week"]
    assert not needs_history_rows(state)  # given once, a reason stays


def test_each_edit_costs_one_read_and_appends_its_row_once(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    for n in range(4):
        row = row_number(world.backend_emulator_state, sid, "m1")
        world.edit(sid, f"Plan!I{row}", f"note {n}")
        world.reset_counters()
        with world.backend.sheets() as sheets:
            assert sync_map(SyncDeps(world.store, sheets, world.clock), sid).wrote
        assert world.counters(sid).get("sheets.spreadsheets.get") == 1
    assert history_rows_on_the_tab(world, sid) == 4
    assert len(world.store.history(sid)) == 4


def reviews_tab(world: World, spreadsheet_id: str) -> list[list[str]]:
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "Reviews")[1:]
    return [[str(c.get("formattedValue", "")) for c in row] for row in rows]


def test_a_read_without_reviews_leaves_the_tabs_rows_unread(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    run_review(world.backend, sid)
    assert reviews_tab(world, sid)
    with world.backend.sheets() as sheets:
        full = sheets.read(sid, now=world.clock())
        header_only = sheets.read(sid, now=world.clock(), reviews=False)
    assert list(full.read.review_rows) == [world.today().isoformat()]
    assert header_only.read.review_rows == {}
    assert header_only.read.rows == full.read.rows


def test_only_a_sync_on_a_review_day_reads_the_review_rows(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    record = world.store.get_map(sid)
    assert record is not None and not needs_review_rows(record, world.clock())
    run_review(world.backend, sid)
    record = world.store.get_map(sid)
    assert record is not None and needs_review_rows(record, world.clock())
    world.clock.advance(days=2)
    assert not needs_review_rows(record, world.clock())


def test_a_review_run_again_late_the_same_local_day_still_replaces_its_rows(
    world: World,
) -> None:
    """Pago Pago is UTC-11: its Monday evening is Tuesday in UTC, the day after the
    review's date; the rerun must still find (and replace) Monday's rows."""
    sid = world.provision(time_zone="Pacific/Pago_Pago").spreadsheet_id
    sync_coalesced(world.backend, sid)
    monday = world.today()  # 15:00 UTC: 04:00 on Monday in Pago Pago
    assert monday.weekday() == 0
    run_review(world.backend, sid)
    once = reviews_tab(world, sid)
    world.clock.set(datetime.combine(monday, datetime.min.time(), tzinfo=UTC) + timedelta(hours=33))
    # 09:00 UTC on Tuesday: 22:00 on Monday in Pago Pago.
    world.edit(sid, f"Plan!I{row_number(world.backend_emulator_state, sid, 'm1')}", "late note")
    sync_coalesced(world.backend, sid)
    run_review(world.backend, sid)
    rows = reviews_tab(world, sid)
    assert rows and {r[0] for r in rows} == {r[0] for r in once}  # still Monday's review
    assert len(rows) == len(once)  # replaced, not appended
