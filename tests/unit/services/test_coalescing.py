"""One sync per spreadsheet at a time, notifications coalesced (DESIGN I4), duplicates
and stragglers harmless (I5): what every change path runs, ``sync_coalesced``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from service.domain.model import Status
from tests.unit.services.conftest import Desk

WAIT_S = 60


def notifications(desk: Desk, spreadsheet_id: str) -> int:
    state = desk.store.sync_state(spreadsheet_id)
    return state.requested if state is not None else 0


def test_notifications_during_a_sync_give_exactly_one_more_sync(desk: Desk) -> None:
    sid = desk.new_map()
    held, release = threading.Event(), threading.Event()

    def hold_the_first_read() -> None:
        if not held.is_set():
            held.set()
            release.wait(WAIT_S)

    desk.drive.hold_reads(hold_the_first_read)
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = pool.submit(desk.coalesced, sid)
        assert held.wait(WAIT_S)
        # While the first sync's read is held, people edit and notify twenty times.
        before = notifications(desk, sid)
        desk.drive.edit(sid, "m1", "status", Status.DONE)
        others = [pool.submit(desk.coalesced, sid) for _ in range(20)]
        runs = [f.result(WAIT_S) for f in others]
        assert notifications(desk, sid) == before + 20
        release.set()
        syncs = first.result(WAIT_S).syncs + sum(r.syncs for r in runs)
    # The held sync, then one more for everything that arrived during it.
    assert syncs == 2 and all(r.syncs == 0 for r in runs)
    assert desk.drive.calls["read"] == 2
    assert desk.drive.row(sid, "m1").computed["health"] == "Done"  # the second saw it
    assert desk.history(sid) == [("m1", "status", "Done")]
    state = desk.store.sync_state(sid)
    assert state is not None and not state.pending


def test_duplicate_notifications_are_harmless(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    for _ in range(3):
        desk.coalesced(sid)
    assert desk.drive.calls["write"] == 1
    assert desk.history(sid) == [("m1", "status", "Done")]


def test_a_notification_already_covered_causes_no_read(desk: Desk) -> None:
    sid = desk.new_map()
    desk.store.request_sync(sid)
    desk.store.request_sync(sid)  # two notifications, one sync covers both
    assert desk.coalesced(sid, notify=False).syncs == 1
    # A straggler retried later (the sweep's notify=False) finds nothing pending.
    assert desk.coalesced(sid, notify=False).syncs == 0
    assert desk.drive.calls["read"] == 1
