"""The sync-lease protocol, one step at a time: every interleaving that matters (I4, I5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.store import LeaseLost, MapNotFound, Store, SyncState
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

LEASE_S = 30.0


@pytest.fixture
def sid(clocked_store: Store) -> str:
    return make_map(clocked_store, spreadsheet_id="sheet-1").spreadsheet_id


def _state(store: Store, spreadsheet_id: str) -> SyncState:
    state = store.sync_state(spreadsheet_id)
    assert state is not None
    return state


def test_each_notification_gets_the_next_generation(clocked_store: Store, sid: str) -> None:
    assert clocked_store.sync_state(sid) is None

    assert [clocked_store.request_sync(sid).generation for _ in range(3)] == [1, 2, 3]

    state = _state(clocked_store, sid)
    assert (state.requested, state.completed, state.pending) == (3, 0, True)


def test_a_notification_for_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        store.request_sync("nope")


def test_a_free_lease_is_taken_and_covers_every_notification_so_far(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    clocked_store.request_sync(sid)

    covered = clocked_store.try_acquire(sid, "A", LEASE_S)

    assert covered == 2
    state = _state(clocked_store, sid)
    assert state.lease_owner == "A"
    assert state.lease_until == clock.now + timedelta(seconds=LEASE_S)


def test_nobody_takes_a_lease_that_is_held(clocked_store: Store, sid: str) -> None:
    clocked_store.request_sync(sid)
    clocked_store.try_acquire(sid, "A", LEASE_S)
    clocked_store.request_sync(sid)

    assert clocked_store.try_acquire(sid, "B", LEASE_S) is None
    assert clocked_store.try_acquire(sid, "A", LEASE_S) is None
    assert _state(clocked_store, sid).lease_owner == "A"


def test_a_sync_with_no_new_notifications_releases_the_lease(
    clocked_store: Store, sid: str
) -> None:
    clocked_store.request_sync(sid)
    covered = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert covered is not None

    assert clocked_store.release(sid, "A", covered) is True

    state = _state(clocked_store, sid)
    assert (state.completed, state.lease_owner, state.lease_until) == (1, None, None)
    assert not state.pending
    assert clocked_store.pending_syncs() == []


def test_notifications_during_a_sync_cause_exactly_one_more_sync(
    clocked_store: Store, sid: str
) -> None:
    clocked_store.request_sync(sid)
    covered = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert covered == 1
    # Three notifications arrive while A syncs; their senders find the lease held.
    for sender in ("B", "C", "D"):
        clocked_store.request_sync(sid)
        assert clocked_store.try_acquire(sid, sender, LEASE_S) is None

    assert clocked_store.release(sid, "A", covered) is False
    held = _state(clocked_store, sid)
    assert (held.completed, held.lease_owner) == (1, "A")
    again = clocked_store.continue_lease(sid, "A", LEASE_S)
    assert again == 4
    assert clocked_store.release(sid, "A", again) is True

    state = _state(clocked_store, sid)
    assert (state.requested, state.completed, state.lease_owner) == (4, 4, None)


def test_a_notification_already_covered_by_another_sync_needs_no_sync(
    clocked_store: Store, sid: str
) -> None:
    clocked_store.request_sync(sid)  # B's notification
    covered = clocked_store.try_acquire(sid, "A", LEASE_S)  # A's sync started after it
    assert covered is not None
    assert clocked_store.release(sid, "A", covered)

    assert clocked_store.try_acquire(sid, "B", LEASE_S) is None


def test_a_spreadsheet_never_notified_needs_no_sync(clocked_store: Store, sid: str) -> None:
    assert clocked_store.try_acquire(sid, "A", LEASE_S) is None
    assert clocked_store.sync_state(sid) is None


def test_duplicate_notifications_before_a_sync_coalesce_into_one(
    clocked_store: Store, sid: str
) -> None:
    for _ in range(5):
        clocked_store.request_sync(sid)

    covered = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert covered == 5
    assert clocked_store.release(sid, "A", covered) is True
    assert clocked_store.try_acquire(sid, "B", LEASE_S) is None


def test_an_expired_lease_is_taken_over_and_the_old_owner_learns_it_lost(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    stale = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert stale == 1
    clock.advance(seconds=LEASE_S - 1)
    assert clocked_store.try_acquire(sid, "B", LEASE_S) is None

    clock.advance(seconds=2)
    taken = clocked_store.try_acquire(sid, "B", LEASE_S)

    assert taken == 1
    with pytest.raises(LeaseLost):
        clocked_store.release(sid, "A", stale)
    with pytest.raises(LeaseLost):
        clocked_store.renew_lease(sid, "A", LEASE_S)
    with pytest.raises(LeaseLost):
        clocked_store.continue_lease(sid, "A", LEASE_S)
    assert clocked_store.record_failure(sid, "A", "boom") is False
    state = _state(clocked_store, sid)
    assert (state.lease_owner, state.completed, state.last_error) == ("B", 0, None)
    assert clocked_store.release(sid, "B", taken) is True


def test_a_renewed_lease_outlives_its_first_expiry(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    covered = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert covered is not None
    clock.advance(seconds=LEASE_S - 5)
    clocked_store.renew_lease(sid, "A", LEASE_S)

    clock.advance(seconds=10)

    assert clocked_store.try_acquire(sid, "B", LEASE_S) is None
    assert clocked_store.release(sid, "A", covered) is True


def test_an_expired_lease_nobody_took_can_still_be_released(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    covered = clocked_store.try_acquire(sid, "A", LEASE_S)
    assert covered is not None
    clock.advance(seconds=LEASE_S * 3)

    assert clocked_store.release(sid, "A", covered) is True


def test_releasing_a_lease_never_held_raises_lease_lost(clocked_store: Store, sid: str) -> None:
    clocked_store.request_sync(sid)
    clocked_store.try_acquire(sid, "A", LEASE_S)

    with pytest.raises(LeaseLost) as raised:
        clocked_store.release(sid, "B", 1)

    assert raised.value.owner == "B"
    assert _state(clocked_store, sid).completed == 0


def test_a_failed_sync_frees_the_lease_and_stays_pending_for_the_sweep(
    clocked_store: Store, sid: str, clock: FakeClock
) -> None:
    clocked_store.request_sync(sid)
    clocked_store.try_acquire(sid, "A", LEASE_S)

    assert clocked_store.record_failure(sid, "A", "RateLimited: quota exhausted") is True

    state = _state(clocked_store, sid)
    assert (state.lease_owner, state.pending, state.attempts) == (None, True, 1)
    assert state.last_error == "RateLimited: quota exhausted"
    assert [s.spreadsheet_id for s in clocked_store.pending_syncs(clock.now)] == [sid]
    retry = clocked_store.try_acquire(sid, "sweep", LEASE_S)
    assert retry == 1
    clocked_store.record_failure(sid, "sweep", "again")
    assert _state(clocked_store, sid).attempts == 2
    retry = clocked_store.try_acquire(sid, "sweep-2", LEASE_S)
    assert retry is not None and clocked_store.release(sid, "sweep-2", retry)
    done = _state(clocked_store, sid)
    assert (done.attempts, done.last_error, done.pending) == (0, None, False)


def test_pending_syncs_skips_live_leases_and_includes_expired_ones(
    clocked_store: Store, clock: FakeClock
) -> None:
    for name in ("s-free", "s-leased", "s-expired", "s-done"):
        make_map(clocked_store, spreadsheet_id=name)
        clocked_store.request_sync(name)
    clocked_store.try_acquire("s-expired", "A", 5)
    clock.advance(seconds=10)
    clocked_store.try_acquire("s-leased", "B", LEASE_S)
    done = clocked_store.try_acquire("s-done", "C", LEASE_S)
    assert done is not None and clocked_store.release("s-done", "C", done)

    pending = clocked_store.pending_syncs(clock.now)

    assert sorted(s.spreadsheet_id for s in pending) == ["s-expired", "s-free"]


def test_a_lease_must_last_some_time(clocked_store: Store, sid: str) -> None:
    clocked_store.request_sync(sid)

    with pytest.raises(ValueError, match="positive"):
        clocked_store.try_acquire(sid, "A", 0)
