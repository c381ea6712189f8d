"""The Cloud Tasks emulator's queue rules: names stay taken after a task ran, backoff
doubles then caps, and a queue never dispatches past its rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import tasks_v2

from emulator.cloud_tasks.queues import Queues, TasksError, backoff

PARENT = "projects/p/locations/l"
QUEUE = f"{PARENT}/queues/q"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def make_queues(**limits: int) -> tuple[Queues, Clock]:
    clock = Clock()
    queues = Queues(clock)
    queues.create_queue(
        PARENT,
        tasks_v2.Queue(name=QUEUE, rate_limits=tasks_v2.RateLimits(**limits)),
    )
    return queues, clock


def task(name: str = "") -> tasks_v2.Task:
    full = f"{QUEUE}/tasks/{name}" if name else ""
    return tasks_v2.Task(name=full, http_request=tasks_v2.HttpRequest(url="http://x/t"))


def test_a_name_stays_taken_after_its_task_ran() -> None:
    queues, _ = make_queues()
    queues.create_task(QUEUE, task("a"))
    with pytest.raises(TasksError) as pending:
        queues.create_task(QUEUE, task("a"))
    taken, _ = queues.take_due()
    queues.finish(QUEUE, taken[0][1].name, 200)

    with pytest.raises(TasksError) as ran:
        queues.create_task(QUEUE, task("a"))

    assert pending.value.code == ran.value.code == "ALREADY_EXISTS"
    assert queues.counts(QUEUE) == {"tasks": 0, "dispatched": 1}


def test_a_failed_task_is_retried_after_the_backoff() -> None:
    queues, clock = make_queues()
    queues.create_task(QUEUE, task("a"))
    taken, _ = queues.take_due()
    queues.finish(QUEUE, taken[0][1].name, 429)

    assert queues.take_due()[0] == []
    clock.now += timedelta(seconds=0.1)
    assert [t.name for _, t in queues.take_due()[0]] == [f"{QUEUE}/tasks/a"]


def test_backoff_doubles_then_caps() -> None:
    retry = tasks_v2.RetryConfig(
        min_backoff=timedelta(seconds=10), max_backoff=timedelta(seconds=300), max_doublings=4
    )
    delays = [backoff(retry, attempt).total_seconds() for attempt in range(1, 9)]
    assert delays == [10, 20, 40, 80, 160, 300, 300, 300]


def test_rate_limits_hold_back_dispatches() -> None:
    queues, clock = make_queues(max_dispatches_per_second=2, max_concurrent_dispatches=10)
    for _ in range(5):
        queues.create_task(QUEUE, task())

    first, _ = queues.take_due()
    clock.now += timedelta(seconds=1)
    second, _ = queues.take_due()

    assert (len(first), len(second)) == (2, 2)


def test_a_task_due_later_waits_for_its_time() -> None:
    queues, clock = make_queues()
    later = task("later")
    later.schedule_time = clock.now + timedelta(seconds=5)
    queues.create_task(QUEUE, later)

    taken, wait = queues.take_due()
    assert taken == [] and wait == pytest.approx(0.5)
    clock.now += timedelta(seconds=5)
    assert len(queues.take_due()[0]) == 1
