"""Writes follow milestones, not row numbers (DESIGN I3): a row inserted, deleted or
sorted between a sync's read and its write never leaves one milestone's dates on
another's row; the sync runs again and puts every computed cell back."""

from __future__ import annotations

from service.domain.model import Status
from service.services.map_state import MapState
from tests.unit.services.conftest import Desk


def assert_every_row_shows_its_own_milestone(desk: Desk, spreadsheet_id: str) -> None:
    snapshot = desk.store.latest_snapshot(spreadsheet_id)
    assert snapshot is not None
    computed = {m["id"]: m for m in MapState.from_snapshot(snapshot).computed["milestones"]}
    rows = desk.drive.milestone_rows(spreadsheet_id)
    assert set(rows) == set(computed)
    for milestone_id, row in rows.items():
        assert row.computed["target"] == computed[milestone_id]["target"], milestone_id
        assert row.computed["health"] == computed[milestone_id]["health"], milestone_id
    strays = [r for r in desk.drive.sheet(spreadsheet_id).rows if not r.title and r.computed]
    assert strays == []


def test_a_row_inserted_between_read_and_write_never_mixes_milestones(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.after_next_read(lambda: desk.drive.insert_blank_row(sid, above="m1"))
    result = desk.sync(sid)
    assert desk.drive.calls == {"read": 2, "write": 2}  # the first write found rows moved
    assert desk.drive.sheet(sid).rows[0].title == ""  # the inserted row stays empty
    assert_every_row_shows_its_own_milestone(desk, sid)
    assert desk.drive.row(sid, "m1").computed["health"] == "Done"
    assert result.changes == 0  # the change was recorded by the first attempt, once
    assert desk.history(sid) == [("m1", "status", "Done")]


def test_a_sort_between_read_and_write_never_mixes_milestones(desk: Desk) -> None:
    sid = desk.new_map(template="enterprise")
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.after_next_read(lambda: desk.drive.sort_rows(sid, reverse=True))
    desk.sync(sid)
    assert desk.drive.sheet(sid).rows[0].id != "m1"  # it did move
    assert_every_row_shows_its_own_milestone(desk, sid)
    assert desk.drive.row(sid, "m1").computed["health"] == "Done"


def test_a_row_deleted_between_read_and_write_never_mixes_milestones(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m4", "status", Status.DONE)
    desk.drive.after_next_read(lambda: desk.drive.delete_row(sid, "m2"))
    desk.sync(sid)
    assert "m2" not in desk.drive.milestone_rows(sid)
    assert_every_row_shows_its_own_milestone(desk, sid)
    assert sorted(desk.history(sid)) == [("m2", "milestone", "removed"), ("m4", "status", "Done")]


def test_an_id_given_by_a_write_that_landed_on_moved_rows_is_not_trusted(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.add_row(sid, "Celebrate with the team")
    # The row the new ID is meant for moves down before the write lands.
    desk.drive.after_next_read(lambda: desk.drive.insert_blank_row(sid, above="m1"))
    desk.sync(sid)
    rows = desk.drive.milestone_rows(sid)
    [added] = [mid for mid, row in rows.items() if row.title == "Celebrate with the team"]
    assert added not in ("m1", "m2", "m3", "m4", "m5", "m6")
    assert_every_row_shows_its_own_milestone(desk, sid)
    assert [h for h in desk.history(sid) if h[1] == "milestone"] == [(added, "milestone", "added")]
