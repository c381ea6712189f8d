"""A sync's record and its lease's release in one transaction (``Lease.recording``,
docs/sync.md, "What a sync costs the store"): both commit or neither, on a SQLite file and
on PostgreSQL."""

from __future__ import annotations

import pytest

from service.store import Lease, LeaseLost, Store, SyncState, run_single_flight
from service.store.counting import count_store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

# Long, so that the lease's keep-alive thread never renews it within a test.
LEASE_S = 600.0


def _state(store: Store, spreadsheet_id: str) -> SyncState:
    state = store.sync_state(spreadsheet_id)
    assert state is not None
    return state


def _health(store: Store, spreadsheet_id: str) -> str | None:
    record = store.get_map(spreadsheet_id)
    assert record is not None
    return record.health_label


def test_a_record_made_while_releasing_commits_with_the_release_in_one_transaction(
    store: Store,
) -> None:
    sid = make_map(store).spreadsheet_id
    store.request_sync(sid)
    outcomes: list[bool | None] = []

    def sync(lease: Lease) -> None:
        with lease.recording():
            store.record_map_changes(sid, health_label="At risk")
        outcomes.append(lease.released)

    with count_store(store) as counts:
        runs = run_single_flight(store, sid, sync, notify=False, lease_s=LEASE_S)

    assert runs == 1 and outcomes == [True]
    assert _health(store, sid) == "At risk"
    state = _state(store, sid)
    assert (state.lease_owner, state.pending, state.completed) == (None, False, 1)
    # Taking the lease, then the record with the release: no transaction of its own.
    assert (counts.read_transactions, counts.write_transactions) == (0, 2), counts.trace


def test_notifications_during_the_sync_keep_the_lease_for_exactly_one_more_sync(
    store: Store,
) -> None:
    sid = make_map(store).spreadsheet_id
    store.request_sync(sid)
    outcomes: list[bool | None] = []

    def sync(lease: Lease) -> None:
        if not outcomes:
            store.request_sync(sid)  # a buyer's edit while this sync runs
        with lease.recording():
            store.record_map_changes(sid, health_label=f"run {len(outcomes) + 1}")
        outcomes.append(lease.released)

    runs = run_single_flight(store, sid, sync, notify=False, lease_s=LEASE_S)

    assert runs == 2 and outcomes == [False, True]
    assert _health(store, sid) == "run 2"
    state = _state(store, sid)
    assert (state.lease_owner, state.pending, state.completed) == (None, False, 2)


def test_a_record_that_fails_leaves_nothing_recorded_and_the_notification_pending(
    store: Store,
) -> None:
    sid = make_map(store).spreadsheet_id
    store.request_sync(sid)

    def sync(lease: Lease) -> None:
        with lease.recording():
            store.record_map_changes(sid, health_label="At risk")
            raise ConnectionError("the database went away mid-record")

    with pytest.raises(ConnectionError):
        run_single_flight(store, sid, sync, notify=False, lease_s=LEASE_S)

    assert _health(store, sid) != "At risk"
    state = _state(store, sid)
    assert (state.lease_owner, state.pending, state.completed) == (None, True, 0)
    assert state.last_error is not None and "went away" in state.last_error


def test_a_lease_taken_over_during_the_sync_keeps_the_record_and_raises_lease_lost(
    clocked_store: Store, clock: FakeClock
) -> None:
    store = clocked_store
    sid = make_map(store).spreadsheet_id
    store.request_sync(sid)

    def sync(lease: Lease) -> None:
        clock.advance(seconds=LEASE_S + 1)  # this process stalled past its lease...
        assert store.try_acquire(sid, "another instance", LEASE_S) == 1  # ...and it was taken
        with lease.recording():
            store.record_map_changes(sid, health_label="At risk")

    with pytest.raises(LeaseLost):
        run_single_flight(store, sid, sync, notify=False, lease_s=LEASE_S)

    # As when a separate release found the lease gone: what the sync recorded stands,
    # and the new holder still covers the notification.
    assert _health(store, sid) == "At risk"
    state = _state(store, sid)
    assert (state.lease_owner, state.completed, state.last_error) == ("another instance", 0, None)
    assert store.release(sid, "another instance", 1) is True
