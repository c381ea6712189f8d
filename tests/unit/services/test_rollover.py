"""The date rolling over is recomputed from the snapshot without reading the sheet
(DESIGN I8); the sheet is read instead once a week, after a write whose outcome is
unknown, and when rows moved since the last read."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from service.domain.model import Status
from service.services.rollover import rollover_map
from service.sheets.errors import GoogleUnavailable
from tests.unit.services.conftest import Desk


def test_an_overdue_step_turns_red_at_midnight_without_reading_the_sheet(desk: Desk) -> None:
    sid = desk.new_map()
    promised = desk.today() + timedelta(days=2)  # a Wednesday: the clock starts on a Monday
    desk.drive.edit(sid, "m1", "due", promised)
    desk.sync(sid)
    desk.clock.set(datetime.combine(promised + timedelta(days=1), time(12), tzinfo=UTC))
    desk.drive.reset_calls()
    result = rollover_map(desk.deps(), sid)
    assert desk.drive.calls == {"write": 1}
    assert not result.read and result.wrote
    assert desk.drive.row(sid, "m1").computed["health"] == "Overdue"


def test_with_nothing_to_change_the_rollover_makes_no_call(desk: Desk) -> None:
    sid = desk.new_map()
    desk.sync(sid)
    desk.drive.reset_calls()
    rollover_map(desk.deps(), sid)
    assert desk.drive.calls == {}


def test_the_rollover_reads_the_sheet_once_a_week_to_reconcile(desk: Desk) -> None:
    sid = desk.new_map()
    desk.sync(sid)
    # Past the MAP's first slot half a week after the read, wherever its hour falls.
    desk.clock.advance(days=11)
    desk.drive.reset_calls()
    assert rollover_map(desk.deps(), sid).read
    assert desk.drive.calls["read"] == 1


def test_a_write_whose_outcome_is_unknown_makes_the_rollover_read(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.fail_next_write(landed=True)
    with pytest.raises(GoogleUnavailable):
        desk.sync(sid)
    desk.drive.reset_calls()
    assert rollover_map(desk.deps(), sid).read
    assert desk.history(sid) == [("m1", "status", "Done")]


def test_rows_moved_since_the_last_read_make_the_rollover_read(desk: Desk) -> None:
    sid = desk.new_map()
    promised = desk.today() + timedelta(days=2)
    desk.drive.edit(sid, "m2", "due", promised)
    desk.sync(sid)
    desk.drive.insert_blank_row(sid, above="m1")
    desk.clock.set(datetime.combine(promised + timedelta(days=1), time(12), tzinfo=UTC))
    desk.drive.reset_calls()
    result = rollover_map(desk.deps(), sid)
    # The file changed since the last sync (its Drive version moved on): no write against
    # the remembered rows; a sync read the sheet and put things right, in one write.
    assert result.read and desk.drive.calls == {"write": 1, "read": 1}
    assert desk.drive.row(sid, "m2").computed["health"] == "Overdue"
    assert all(r.title or not r.computed for r in desk.drive.sheet(sid).rows)
