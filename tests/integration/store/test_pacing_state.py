"""What the store keeps for paced syncs (when a MAP's first unsynced notification came,
and its latest) and the Sheets budget every instance shares, one step at a time."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.store import Store
from service.store.sync_leases import LOOK_COVERS_S
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import START, FakeClock

QUIET_S = 1.5
MAX_WAIT_S = 40.0
LEASE_S = 15.0
ACCOUNT = "map-backend@map-local.iam.gserviceaccount.com"


@pytest.fixture
def sid(clocked_store: Store) -> str:
    return make_map(clocked_store, spreadsheet_id="sheet-1").spreadsheet_id


def due_in(store: Store, spreadsheet_id: str) -> float | None:
    return store.sync_due_in(spreadsheet_id, QUIET_S, MAX_WAIT_S)


def test_nothing_pending_is_never_due(clocked_store: Store, sid: str) -> None:
    assert due_in(clocked_store, sid) is None


def test_a_notification_is_due_after_the_quiet_period(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    assert due_in(clocked_store, sid) == QUIET_S
    clock.advance(seconds=1)
    assert due_in(clocked_store, sid) == pytest.approx(QUIET_S - 1)
    clock.advance(seconds=1)
    assert due_in(clocked_store, sid) == 0.0


def test_each_notification_restarts_the_quiet_period_but_not_the_maximum_wait(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    for _ in range(39):
        clock.advance(seconds=1)
        clocked_store.request_sync(sid)
        assert due_in(clocked_store, sid) == pytest.approx(min(QUIET_S, MAX_WAIT_S - _ - 1))
    state = clocked_store.sync_state(sid)
    assert state is not None
    assert state.first_pending_at == START
    assert state.last_notified_at == clock()
    clock.advance(seconds=1)
    clocked_store.request_sync(sid)
    assert due_in(clocked_store, sid) == 0.0  # the first is 40 s old


def test_a_sync_takes_on_what_is_pending_and_hands_back_what_came_during_it(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    clock.advance(seconds=30)
    generation = clocked_store.try_acquire(sid, "a", LEASE_S)
    assert generation == 1
    # The lease holder covers it: look again only once its lease could have run out (a
    # holder that died no longer renews it).
    assert due_in(clocked_store, sid) == pytest.approx(LEASE_S + 0.5)
    clock.advance(seconds=0.2)
    during = clock()
    clocked_store.request_sync(sid)

    assert clocked_store.release(sid, "a", generation) is False
    clocked_store.hand_back(sid, "a")

    state = clocked_store.sync_state(sid)
    assert state is not None
    assert (state.completed, state.requested, state.lease_owner) == (1, 2, None)
    # The one that came during the sync waits its own quiet period, from its arrival.
    assert state.first_pending_at == during
    assert due_in(clocked_store, sid) == pytest.approx(QUIET_S)
    assert clocked_store.try_acquire(sid, "b", LEASE_S) == 2
    assert clocked_store.release(sid, "b", 2) is True
    assert due_in(clocked_store, sid) is None


def test_one_look_per_burst_until_a_sync_takes_it_on_or_the_look_may_be_lost(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    """The hooks queue a look (a task) only for a notification that no earlier, recent
    one waiting for its sync covers."""
    looks = [clocked_store.request_sync(sid).needs_look]
    for _ in range(5):
        clock.advance(seconds=0.5)
        looks.append(clocked_store.request_sync(sid).needs_look)
    assert looks == [True, False, False, False, False, False]
    # A sync takes every one of them on: the next notification asks for its own look.
    generation = clocked_store.try_acquire(sid, "a", LEASE_S)
    assert generation == 6
    clock.advance(seconds=0.2)
    assert clocked_store.request_sync(sid).needs_look is True
    assert clocked_store.request_sync(sid).needs_look is True  # same instant: one more, harmless
    clock.advance(seconds=0.2)
    assert clocked_store.request_sync(sid).needs_look is False
    # A minute on with nothing synced, the first look may have been lost: ask again.
    clock.advance(seconds=LOOK_COVERS_S)
    assert clocked_store.request_sync(sid).needs_look is True


def test_a_pending_notification_after_a_failed_sync_is_due_at_once(
    clocked_store: Store, sid: str
) -> None:
    clocked_store.request_sync(sid)
    assert clocked_store.try_acquire(sid, "a", LEASE_S) == 1
    clocked_store.record_failure(sid, "a", "RateLimited: wait")
    assert due_in(clocked_store, sid) == 0.0


def test_the_budget_lets_through_n_calls_a_window_then_says_how_long_to_wait(
    clocked_store: Store, clock: FakeClock
) -> None:
    taken = []
    for _ in range(3):
        taken.append(clocked_store.take_sheets_call(ACCOUNT, "read", 3, 60.0))
        clock.advance(seconds=10)
    assert taken == [0.0, 0.0, 0.0]
    # 30 s after the first: it leaves the window in 30 s.
    assert clocked_store.take_sheets_call(ACCOUNT, "read", 3, 60.0) == pytest.approx(30.0)
    assert clocked_store.sheets_calls(ACCOUNT, "read", 60.0) == 3
    # Writes have a budget of their own.
    assert clocked_store.take_sheets_call(ACCOUNT, "write", 3, 60.0) == 0.0
    clock.advance(seconds=30.5)
    assert clocked_store.take_sheets_call(ACCOUNT, "read", 3, 60.0) == 0.0
    assert clocked_store.sheets_calls(ACCOUNT, "read", 60.0) == 3


def test_googles_429_spends_the_rest_of_the_window_for_everyone(
    clocked_store: Store, clock: FakeClock
) -> None:
    assert clocked_store.take_sheets_call(ACCOUNT, "write", 5, 60.0) == 0.0
    assert clocked_store.spend_sheets_budget(ACCOUNT, "write", 5, 60.0) == pytest.approx(60.0)
    assert clocked_store.take_sheets_call(ACCOUNT, "write", 5, 60.0) == pytest.approx(60.0)
    clock.advance(seconds=61)
    assert clocked_store.take_sheets_call(ACCOUNT, "write", 5, 60.0) == 0.0


def test_two_instances_taking_at_once_never_take_more_than_the_budget(
    make_store: Callable[..., Store], clock: FakeClock
) -> None:
    instances = [make_store(clock=clock) for _ in range(2)]

    def take(index: int) -> bool:
        store = instances[index % 2]
        return store.take_sheets_call(ACCOUNT, "read", 20, 60.0) == 0.0

    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = list(pool.map(take, range(60)))

    assert sum(taken) == 20
    assert instances[0].sheets_calls(ACCOUNT, "read", 60.0) == 20
