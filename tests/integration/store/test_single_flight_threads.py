"""Single flight with threads hammering one store (I4): one sync at a time, coalescing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from service.store import Lease, Store, run_single_flight
from tests.db_fixtures import make_map
from tests.integration.store.sync_probe import (
    SyncProbe,
    generations_in_time_order,
    notify_in_bursts,
    overlapping,
)


def _run_threads(count: int, target: Callable[[], object]) -> None:
    """Runs ``target`` in ``count`` threads; re-raises the first error one of them had."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    if errors:
        raise errors[0]


class _HoldFirstSync(SyncProbe):
    """Keeps the first sync running until told to finish."""

    def __init__(self) -> None:
        super().__init__()
        self.first_started = threading.Event()
        self.finish_first = threading.Event()

    def during(self, lease: Lease) -> None:
        if not self.first_started.is_set():
            self.first_started.set()
            assert self.finish_first.wait(timeout=60)


def test_a_hundred_notifications_during_a_sync_cause_exactly_one_more_sync(
    store: Store,
) -> None:
    sid = make_map(store).spreadsheet_id
    probe = _HoldFirstSync()
    runs_by_notifier: list[int] = []
    syncer = threading.Thread(target=lambda: run_single_flight(store, sid, probe))
    syncer.start()
    assert probe.first_started.wait(timeout=60)

    def notify_ten_times() -> None:
        for _ in range(10):
            runs_by_notifier.append(run_single_flight(store, sid, probe))

    try:
        _run_threads(10, notify_ten_times)
    finally:
        probe.finish_first.set()
        syncer.join(timeout=60)

    assert runs_by_notifier == [0] * 100
    assert len(probe.runs) == 2
    assert generations_in_time_order(probe.runs) == [1, 101]
    assert probe.problems == []
    state = store.sync_state(sid)
    assert state is not None
    assert (state.requested, state.completed, state.lease_owner) == (101, 101, None)


def test_threads_notifying_at_random_never_sync_at_once_and_leave_nothing_uncovered(
    store: Store,
) -> None:
    sid = make_map(store).spreadsheet_id
    probe = SyncProbe(pause_s=0.003)
    notifiers, bursts, per_burst = 8, 10, 3
    together = threading.Barrier(notifiers, timeout=120)

    _run_threads(
        notifiers,
        lambda: notify_in_bursts(
            store, sid, probe, bursts=bursts, per_burst=per_burst, together=together
        ),
    )

    total = notifiers * bursts * per_burst
    assert probe.problems == []
    assert overlapping(probe.runs) == []
    generations = generations_in_time_order(probe.runs)
    assert generations == sorted(set(generations)), "each sync covers newer notifications"
    assert 1 <= len(probe.runs) <= total
    state = store.sync_state(sid)
    assert state is not None
    assert (state.requested, state.completed, state.lease_owner) == (total, total, None)
    assert generations[-1] == total


def test_a_failing_sync_is_recorded_and_retried_by_the_sweep(store: Store) -> None:
    sid = make_map(store).spreadsheet_id

    def failing(lease: Lease) -> None:
        raise RuntimeError("sheet unreadable")

    with pytest.raises(RuntimeError, match="unreadable"):
        run_single_flight(store, sid, failing)
    failed = store.sync_state(sid)
    assert failed is not None
    assert (failed.pending, failed.lease_owner, failed.attempts) == (True, None, 1)
    assert failed.last_error == "RuntimeError: sheet unreadable"

    probe = SyncProbe()
    pending = [state.spreadsheet_id for state in store.pending_syncs()]
    retried = [run_single_flight(store, s, probe, notify=False) for s in pending]

    assert retried == [1]
    assert [run.generation for run in probe.runs] == [1]
    done = store.sync_state(sid)
    assert done is not None and not done.pending and done.attempts == 0


def test_a_sync_renews_its_lease_while_it_runs(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    seen: list[object] = []

    def long_sync(lease: Lease) -> None:
        lease.renew()
        state = store.sync_state(sid)
        assert state is not None
        seen.append(state.lease_owner == lease.owner)

    assert run_single_flight(store, sid, long_sync, lease_s=5) == 1
    assert seen == [True]
