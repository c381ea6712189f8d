"""I8: the date rolling over is recomputed without reading the sheet; and under Google's
errors (429s, 503s, dropped connections) every MAP still converges with no edit lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from service.services.coalesce import sync_coalesced
from service.services.map_state import MapState
from service.sheets.errors import SheetsError
from tests.integration.services.conftest import BUYER, World, add_fault, clear_faults
from tests.integration.services.sheet_view import header_value, milestone_rows, row_number


def target_of(world: World, spreadsheet_id: str, milestone_id: str) -> date:
    snapshot = world.store.latest_snapshot(spreadsheet_id)
    assert snapshot is not None
    computed = MapState.from_snapshot(snapshot).computed["milestones"]
    return date.fromisoformat(next(m["target"] for m in computed if m["id"] == milestone_id))


def test_i8_an_overdue_step_turns_red_at_midnight_without_reading_the_sheet(world: World) -> None:
    sid = world.provision().spreadsheet_id
    # The buyer commits to a date two days out (a Wednesday: the clock starts on a Monday).
    promised = world.today() + timedelta(days=2)
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!F{row}", promised.isoformat())
    sync_coalesced(world.backend, sid)
    due = target_of(world, sid, "m1")
    assert due == promised
    world.clock.set(datetime.combine(due + timedelta(days=1), time(12), tzinfo=UTC))
    world.reset_counters()
    sync_coalesced(world.backend, sid, rollover_only=True)
    counts = world.counters(sid)
    assert "sheets.spreadsheets.get" not in counts, counts
    assert counts.get("sheets.spreadsheets.batchUpdate") == 1, counts
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Overdue"


def test_i8_rollover_reads_the_sheet_once_a_week_to_reconcile(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    # Past the MAP's first slot half a week after the read, wherever its hour falls.
    world.clock.advance(days=11)
    world.reset_counters()
    sync_coalesced(world.backend, sid, rollover_only=True)
    assert world.counters(sid).get("sheets.spreadsheets.get") == 1


def test_i8_rollover_with_nothing_to_change_makes_no_call(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.reset_counters()
    sync_coalesced(world.backend, sid, rollover_only=True)
    assert world.counters(sid) == {}


def test_under_google_errors_every_map_converges_and_no_edit_is_lost(world: World) -> None:
    maps = [world.provision(account=f"Account {i}").spreadsheet_id for i in range(3)]
    for sid in maps:
        sync_coalesced(world.backend, sid)
    for method in ("sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate"):
        add_fault(world, method=method, rate_429=0.25, rate_503=0.15, drop_rate=0.1, seed=11)
    try:
        for sid in maps:
            for milestone_id, status in (("m1", "Done"), ("m2", "In progress"), ("m3", "Blocked")):
                row = row_number(world.backend_emulator_state, sid, milestone_id)
                world.edit(sid, f"Plan!G{row}", status, user=BUYER)
                for _ in range(20):  # the trigger, then the sweep, trying again
                    try:
                        sync_coalesced(world.backend, sid, sleep=lambda _s: None)
                        break
                    except SheetsError:
                        continue
    finally:
        clear_faults(world)
    for sid in maps:
        sync_coalesced(world.backend, sid)
        rows = milestone_rows(world.backend_emulator_state, sid)
        assert (rows["m1"]["Status"], rows["m2"]["Status"], rows["m3"]["Status"]) == (
            "Done",
            "In progress",
            "Blocked",
        )
        assert (rows["m1"]["Health"], rows["m3"]["Health"]) == ("Done", "Blocked")
        statuses = sorted(
            (e.milestone_id, e.new) for e in world.store.history(sid) if e.field == "status"
        )
        assert statuses == [("m1", "Done"), ("m2", "In progress"), ("m3", "Blocked")]
        world.reset_counters()
        run = sync_coalesced(world.backend, sid)
        assert run.last is not None and not run.last.wrote


def test_a_stale_plan_left_alone_is_not_rewritten_every_day(world: World) -> None:
    # Go-live far out: its forecast stays at 100% on time, so only the date moves.
    sid = world.provision(go_live=world.today() + timedelta(days=400)).spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=22)  # nobody touches it: STALE_PLAN, high, in the Top risks
    sync_coalesced(world.backend, sid, rollover_only=True)  # the weekly reconciling read
    last_touch = world.today() - timedelta(days=22)
    top = header_value(world.backend_emulator_state, sid, "Top risks")
    assert f"No edit since {last_touch.day} {last_touch:%b %Y}." in top, top
    world.clock.advance(days=1)
    world.reset_counters()
    sync_coalesced(world.backend, sid, rollover_only=True)
    counts = world.counters(sid)
    assert "sheets.spreadsheets.batchUpdate" not in counts, counts
    assert "sheets.spreadsheets.get" not in counts, counts
    assert header_value(world.backend_emulator_state, sid, "Top risks") == top
