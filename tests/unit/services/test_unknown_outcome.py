"""A write whose outcome is unknown (Google failed mid-call) records its history exactly
once (DESIGN I7): the next read tells from the sheet's write token whether it landed."""

from __future__ import annotations

import pytest

from service.domain.model import Status
from service.sheets.errors import GoogleUnavailable
from tests.unit.services.conftest import Desk


def test_a_write_that_landed_but_whose_reply_was_lost_is_recorded_once(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.fail_next_write(landed=True)
    with pytest.raises(GoogleUnavailable):
        desk.sync(sid)
    assert desk.history(sid) == []  # nobody knows yet whether it landed
    result = desk.sync(sid)
    assert desk.history(sid) == [("m1", "status", "Done")]
    assert len(desk.drive.sheet(sid).history) == 1
    assert not result.wrote and result.changes == 0  # the landed write was adopted


def test_a_write_that_never_landed_is_made_again_and_recorded_once(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.fail_next_write(landed=False)
    with pytest.raises(GoogleUnavailable):
        desk.sync(sid)
    result = desk.sync(sid)
    assert result.wrote and result.changes == 1
    assert desk.history(sid) == [("m1", "status", "Done")]
    assert len(desk.drive.sheet(sid).history) == 1
    assert desk.drive.row(sid, "m1").computed["health"] == "Done"


def test_every_path_retries_a_failed_write_and_converges(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m2", "status", Status.BLOCKED)
    desk.drive.fail_next_write(landed=True)
    desk.drive.fail_next_write(landed=False)
    run = desk.coalesced(sid)
    assert run.syncs == 1 and run.last is not None
    assert desk.history(sid) == [("m2", "status", "Blocked")]
    assert desk.drive.row(sid, "m2").computed["health"] == "Blocked"
    assert not desk.sync(sid).wrote
