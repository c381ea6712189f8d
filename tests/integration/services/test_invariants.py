"""The sync's invariants (DESIGN section 2), each against the emulator: people's edits
are never lost or overwritten, writes follow milestones not row numbers, and history is
recorded once."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.services.coalesce import sync_coalesced
from service.services.map_state import MapState
from tests.integration.services.conftest import (
    BUYER,
    World,
    race_hook,
    race_hooks_fired,
)
from tests.integration.services.sheet_view import milestone_rows, row_number, shown

PLAN_SHEET_ID = 1001


def computed_by_id(world: World, spreadsheet_id: str) -> dict[str, dict[str, Any]]:
    snapshot = world.store.latest_snapshot(spreadsheet_id)
    assert snapshot is not None
    return {m["id"]: m for m in MapState.from_snapshot(snapshot).computed["milestones"]}


def assert_every_row_shows_its_own_milestone(world: World, spreadsheet_id: str) -> None:
    """Each milestone row's Target date is the one computed for that milestone."""
    computed = computed_by_id(world, spreadsheet_id)
    rows = milestone_rows(world.backend_emulator_state, spreadsheet_id)
    assert set(rows) == set(computed)
    for milestone_id, row in rows.items():
        target = computed[milestone_id]["target"]
        shown = date.fromisoformat(target).strftime("%b %-d, %Y") if target else ""
        assert row["Target date"] == shown, (milestone_id, row, computed[milestone_id])


def sheets_calls(world: World, spreadsheet_id: str) -> dict[str, int]:
    return {k: v for k, v in world.counters(spreadsheet_id).items() if k.startswith("sheets.")}


def sheets_reads(world: World, spreadsheet_id: str) -> int:
    return sum(v for k, v in sheets_calls(world, spreadsheet_id).items() if "batchUpdate" not in k)


def test_our_own_writes_notification_costs_no_sheets_read(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    world.reset_counters()
    sync_coalesced(world.backend, sid, if_changed=True)  # the edit's notification
    edit = sheets_calls(world, sid)
    assert sheets_reads(world, sid) == 1 and edit.get("sheets.spreadsheets.batchUpdate") == 1
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Done"
    world.reset_counters()
    run = sync_coalesced(world.backend, sid, if_changed=True)  # our write's notification
    assert sheets_calls(world, sid) == {}
    counts = world.counters(sid)
    assert counts.get("drive.files.get", 0) <= 1, counts
    assert run.syncs == 1 and run.last is not None and not run.last.read
    state = world.store.sync_state(sid)
    assert state is not None and not state.pending  # the notification is covered
    # A later edit by a person moves the version on: it is read.
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm2')}", "Blocked")
    world.reset_counters()
    sync_coalesced(world.backend, sid, if_changed=True)
    assert sheets_reads(world, sid) == 1
    assert milestone_rows(world.backend_emulator_state, sid)["m2"]["Status"] == "Blocked"


def test_an_edit_the_trigger_reported_since_the_last_read_began_is_read_whatever_drive_says(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!G{row}", "Done")
    world.store.record_edit_and_request_sync(
        spreadsheet_id=sid, sheet="Plan", a1=f"G{row}", ts=world.clock(), user_email=BUYER
    )
    world.clock.advance(seconds=2)  # the sync starts after the edit
    sync_coalesced(world.backend, sid, notify=False, if_changed=True)
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Done"
    world.clock.advance(seconds=2)
    world.reset_counters()
    sync_coalesced(world.backend, sid, if_changed=True)  # our write's: the edit was read
    assert sheets_calls(world, sid) == {}
    # A report of an edit made after that read began, Drive's version not (yet) moved.
    world.store.record_edit_and_request_sync(
        spreadsheet_id=sid, sheet="Plan", a1=f"G{row}", ts=world.clock(), user_email=BUYER
    )
    world.reset_counters()
    sync_coalesced(world.backend, sid, notify=False, if_changed=True)
    assert sheets_reads(world, sid) == 1


def test_i2_an_edit_landing_between_read_and_write_survives(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    row = row_number(world.backend_emulator_state, sid, "m2")
    world.edit(sid, f"Plan!G{row}", "In progress")  # the edit the sync will see
    race_hook(
        world,
        sid,
        values_update={
            "range": f"Plan!I{row}",
            "values": [["Legal has the draft"]],
            "value_input_option": "USER_ENTERED",
        },
    )
    sync_coalesced(world.backend, sid)
    assert race_hooks_fired(world)[-1] == "fired"
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m2"]["Notes"] == "Legal has the draft"
    assert rows["m2"]["Status"] == "In progress"
    # The raced edit's notification reads the sheet (the file moved on by more than our
    # write), sees the edit that raced it and records it once.
    world.reset_counters()
    sync_coalesced(world.backend, sid, if_changed=True)
    assert sheets_reads(world, sid) == 1
    notes = [e for e in world.store.history(sid) if e.field == "notes"]
    assert [(e.milestone_id, e.new) for e in notes] == [("m2", "Legal has the draft")]
    # The notification of that sync's own write costs no Sheets read.
    world.reset_counters()
    sync_coalesced(world.backend, sid, if_changed=True)
    assert sheets_calls(world, sid) == {}


def test_i3_a_row_inserted_between_read_and_write_never_mixes_milestones(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    first = row_number(world.backend_emulator_state, sid, "m1")
    due = world.monday_in(weeks=10)
    world.edit(sid, f"Plan!F{row_number(world.backend_emulator_state, sid, 'm3')}", due.isoformat())
    race_hook(
        world,
        sid,
        batch_update={
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": PLAN_SHEET_ID,
                            "dimension": "ROWS",
                            "startIndex": first - 1,
                            "endIndex": first,
                        },
                        "inheritFromBefore": False,
                    }
                }
            ]
        },
    )
    sync_coalesced(world.backend, sid)
    assert race_hooks_fired(world)[-1] == "fired"
    assert row_number(world.backend_emulator_state, sid, "m1") == first + 1
    assert_every_row_shows_its_own_milestone(world, sid)
    # The inserted row's notification: the sync read the sheet again after the rows moved, so
    # the version it recorded is the moved one; either way the rows stay right.
    sync_coalesced(world.backend, sid, if_changed=True)
    assert_every_row_shows_its_own_milestone(world, sid)
    assert milestone_rows(world.backend_emulator_state, sid)["m3"]["Target date"] == shown(due)


def test_i3_a_sort_between_read_and_write_never_mixes_milestones(world: World) -> None:
    sid = world.provision(template="enterprise").spreadsheet_id
    sync_coalesced(world.backend, sid)
    first = row_number(world.backend_emulator_state, sid, "m1")
    last = row_number(world.backend_emulator_state, sid, "m15")
    world.edit(sid, f"Plan!G{first}", "Done")
    race_hook(
        world,
        sid,
        batch_update={
            "requests": [
                {
                    "sortRange": {
                        "range": {
                            "sheetId": PLAN_SHEET_ID,
                            "startRowIndex": first - 1,
                            "endRowIndex": last,
                            "startColumnIndex": 0,
                            "endColumnIndex": 13,
                        },
                        "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}],
                    }
                }
            ]
        },
    )
    sync_coalesced(world.backend, sid)
    assert race_hooks_fired(world)[-1] == "fired"
    assert row_number(world.backend_emulator_state, sid, "m1") != first  # it did move
    assert_every_row_shows_its_own_milestone(world, sid)
    # The sort's notification: the sync read the sheet again after the rows moved, so
    # the version it recorded is the moved one; either way the rows stay right.
    sync_coalesced(world.backend, sid, if_changed=True)
    assert_every_row_shows_its_own_milestone(world, sid)
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Done"


def test_i5_duplicate_notifications_are_harmless(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    world.reset_counters()
    for _ in range(3):
        sync_coalesced(world.backend, sid)
    counts = world.counters(sid)
    assert counts.get("sheets.spreadsheets.batchUpdate") == 1
    assert len(world.store.history(sid)) == 1


def test_i3_a_row_added_and_one_inserted_above_it_before_the_write_keep_their_milestones(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    first = row_number(world.backend_emulator_state, sid, "m1")
    last = row_number(world.backend_emulator_state, sid, "m6")
    world.edit(sid, f"Plan!B{last + 1}", "Celebrate with the team")
    # The new ID's row moves down before the write lands: the ID must not land on Go-live.
    race_hook(
        world,
        sid,
        batch_update={
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": PLAN_SHEET_ID,
                            "dimension": "ROWS",
                            "startIndex": first - 1,
                            "endIndex": first,
                        },
                        "inheritFromBefore": False,
                    }
                }
            ]
        },
    )
    sync_coalesced(world.backend, sid)
    assert race_hooks_fired(world)[-1] == "fired"
    assert_every_row_shows_its_own_milestone(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m6"]["Milestone"] == "Go-live"
    [added] = [m for m, r in rows.items() if r["Milestone"] == "Celebrate with the team"]
    assert added not in {"m1", "m2", "m3", "m4", "m5", "m6"}
