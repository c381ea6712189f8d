"""The background pool on its own: a spreadsheet waits in the queue at most once, a full
queue says so, failures are counted and never escape, closing lets queued jobs finish."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from emulator.testing import wait_for
from service.runtime.sync_pool import SyncPool


def blocking_run(ran: list[str]) -> tuple[threading.Event, threading.Event, object]:
    """A sync that signals when it starts and waits for the gate."""
    started, gate = threading.Event(), threading.Event()

    def run(sid: str) -> None:
        started.set()
        gate.wait(60)
        ran.append(sid)

    return started, gate, run


def test_a_spreadsheet_already_waiting_is_not_queued_twice() -> None:
    ran: list[str] = []
    started, gate, run = blocking_run(ran)
    pool = SyncPool(run, workers=1, queue_size=10)  # type: ignore[arg-type]
    try:
        assert pool.submit("busy")
        assert started.wait(60)  # the only worker is inside "busy"
        results = [pool.submit("map-a") for _ in range(5)]
        gate.set()
        assert pool.wait_idle(60)
    finally:
        pool.close()

    assert results == [True] * 5
    assert ran == ["busy", "map-a"]


def test_a_full_queue_refuses_the_job() -> None:
    ran: list[str] = []
    started, gate, run = blocking_run(ran)
    pool = SyncPool(run, workers=1, queue_size=1)  # type: ignore[arg-type]
    try:
        assert pool.submit("running")
        assert started.wait(60)
        waiting = pool.submit("waiting")
        extra = pool.submit("extra")
        gate.set()
        assert pool.wait_idle(60)
    finally:
        pool.close()

    assert (waiting, extra) == (True, False)
    assert ran == ["running", "waiting"]


def test_a_failing_sync_is_counted_and_the_pool_goes_on() -> None:
    def run(sid: str) -> None:
        if sid == "broken":
            raise RuntimeError("Google said no")

    pool = SyncPool(run, workers=2)
    try:
        pool.submit("broken")
        pool.submit("fine")
        assert pool.wait_idle(60)
    finally:
        pool.close()

    assert (pool.completed, pool.failed) == (1, 1)


def test_closing_lets_queued_jobs_finish_and_refuses_new_ones() -> None:
    done: list[str] = []
    pool = SyncPool(done.append, workers=1)
    for n in range(5):
        pool.submit(f"map-{n}")

    pool.close()

    assert sorted(done) == [f"map-{n}" for n in range(5)]
    assert pool.submit("late") is False


def test_building_a_pool_starts_no_thread() -> None:
    before = threading.active_count()

    pool = SyncPool(lambda sid: None, workers=4)

    assert threading.active_count() == before
    pool.close()


class SteppedClock:
    """A clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_a_job_that_answers_when_to_look_again_runs_again_once_the_clock_is_there() -> None:
    clock = SteppedClock()
    runs: list[datetime] = []

    def run(sid: str) -> float | None:
        runs.append(clock())
        return 30.0 if len(runs) == 1 else None  # not due yet: look again in 30 s

    pool = SyncPool(run, workers=1, now=clock)
    try:
        assert pool.submit("map-a")
        wait_for(lambda: len(runs) == 1 and pool.scheduled("map-a") is not None)
        clock.advance(29)
        assert not pool.wait_idle(0.5)  # still scheduled, not run
        assert len(runs) == 1
        clock.advance(1)
        assert pool.wait_idle(60)
    finally:
        pool.close()

    assert [(at - runs[0]).total_seconds() for at in runs] == [0.0, 30.0]


def test_the_earliest_instant_asked_for_wins() -> None:
    clock = SteppedClock()
    ran: list[str] = []
    pool = SyncPool(lambda sid: ran.append(sid), workers=1, now=clock)  # type: ignore[arg-type,func-returns-value]
    try:
        assert pool.submit_later("map-a", 60)
        assert pool.submit_later("map-a", 5)
        assert pool.submit_later("map-a", 90)
        assert pool.scheduled("map-a") == clock() + timedelta(seconds=5)
        clock.advance(5)
        assert pool.wait_idle(60)
    finally:
        pool.close()

    assert ran == ["map-a"]
