"""Queues and their tasks, in memory: what the gRPC methods change and the dispatcher
reads. All times are on the emulator's clock (``now``)."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from google.cloud import tasks_v2

# How long a task's name stays taken after it ran or was deleted (Cloud Tasks: about an
# hour after completion, up to 9 days after deletion).
TOMBSTONE = timedelta(hours=1)

QUEUE_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/queues/[A-Za-z0-9-]{1,100}$")
TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,500}$")

DEFAULT_RETRY = tasks_v2.RetryConfig(
    max_attempts=100,
    min_backoff=timedelta(seconds=0.1),
    max_backoff=timedelta(seconds=3600),
    max_doublings=16,
)
DEFAULT_RATE = tasks_v2.RateLimits(max_dispatches_per_second=500, max_concurrent_dispatches=1000)


class FollowedClock:
    """Another emulator's time, read over HTTP (``GET /__emulator/clock``): its offset
    from real time is read again at most every ``refresh_s`` seconds."""

    def __init__(self, url: str, refresh_s: float = 0.05) -> None:
        import requests

        self._url = url
        self._http = requests.Session()
        self._refresh_s = refresh_s
        self._offset = timedelta(0)
        self._read_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            if time.monotonic() - self._read_at >= self._refresh_s:
                try:
                    reply = self._http.get(self._url, timeout=10).json()
                except (OSError, ValueError):  # gone or starting: keep the last offset
                    return datetime.now(UTC) + self._offset
                self._offset = datetime.fromisoformat(reply["now"]) - datetime.now(UTC)
                self._read_at = time.monotonic()
            return datetime.now(UTC) + self._offset


class TasksError(Exception):
    """A gRPC status: ``code`` is a ``grpc.StatusCode`` name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Entry:
    task: tasks_v2.Task
    due: datetime
    running: bool = False


@dataclass
class QueueState:
    queue: tasks_v2.Queue
    tasks: dict[str, Entry] = field(default_factory=dict)
    in_flight: int = 0
    # When the last dispatches started (for max_dispatches_per_second).
    started: deque[datetime] = field(default_factory=deque)
    dispatched: int = 0


class Queues:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self._queues: dict[str, QueueState] = {}
        self._tombstones: dict[str, datetime] = {}
        self._sequence = 0

    # -- queues ---------------------------------------------------------------------

    def create_queue(self, parent: str, queue: tasks_v2.Queue) -> tasks_v2.Queue:
        if not QUEUE_NAME.match(queue.name) or not queue.name.startswith(parent + "/queues/"):
            raise TasksError("INVALID_ARGUMENT", f"invalid queue name {queue.name!r}")
        with self.lock:
            if queue.name in self._queues:
                raise TasksError("ALREADY_EXISTS", f"queue {queue.name} already exists")
            stored = tasks_v2.Queue(queue)
            _defaults(stored)
            stored.state = tasks_v2.Queue.State.RUNNING  # type: ignore[assignment]
            self._queues[queue.name] = QueueState(stored)
            return tasks_v2.Queue(stored)

    def get_queue(self, name: str) -> tasks_v2.Queue:
        with self.lock:
            return tasks_v2.Queue(self._queue(name).queue)

    def set_state(self, name: str, state: int) -> tasks_v2.Queue:
        with self.changed:
            stored = self._queue(name)
            stored.queue.state = tasks_v2.Queue.State(state)
            self.changed.notify_all()
            return tasks_v2.Queue(stored.queue)

    def delete_queue(self, name: str) -> None:
        with self.lock:
            self._queue(name)
            del self._queues[name]

    def _queue(self, name: str) -> QueueState:
        try:
            return self._queues[name]
        except KeyError:
            raise TasksError("NOT_FOUND", f"queue {name} does not exist") from None

    # -- tasks ----------------------------------------------------------------------

    def create_task(self, parent: str, task: tasks_v2.Task) -> tasks_v2.Task:
        if not task.http_request.url:
            raise TasksError("INVALID_ARGUMENT", "task.http_request.url is required")
        with self.changed:
            queue = self._queue(parent)
            now = self.now()
            if task.name:
                prefix, _, task_id = task.name.rpartition("/tasks/")
                if prefix != parent or not TASK_ID.match(task_id):
                    raise TasksError("INVALID_ARGUMENT", f"invalid task name {task.name!r}")
                self._forget_tombstones(now)
                if task.name in queue.tasks or task.name in self._tombstones:
                    raise TasksError(
                        "ALREADY_EXISTS",
                        "the task cannot be created because a "
                        "task with this name existed too recently",
                    )
            else:
                self._sequence += 1
                task.name = f"{parent}/tasks/{self._sequence:020d}"
            stored = tasks_v2.Task(task)
            stored.create_time = now
            if not stored.schedule_time:
                stored.schedule_time = now
            if not stored.http_request.http_method:
                stored.http_request.http_method = tasks_v2.HttpMethod.POST  # type: ignore[assignment]
            due = _aware(stored.schedule_time)
            queue.tasks[stored.name] = Entry(stored, due)
            self.changed.notify_all()
            return tasks_v2.Task(stored)

    def list_tasks(self, parent: str) -> list[tasks_v2.Task]:
        with self.lock:
            return [tasks_v2.Task(e.task) for e in self._queue(parent).tasks.values()]

    def get_task(self, name: str) -> tasks_v2.Task:
        with self.lock:
            return tasks_v2.Task(self._entry(name).task)

    def delete_task(self, name: str) -> None:
        with self.changed:
            queue = self._queue(name.rpartition("/tasks/")[0])
            self._entry(name)
            del queue.tasks[name]
            self._tombstones[name] = self.now() + TOMBSTONE

    def run_task(self, name: str) -> tasks_v2.Task:
        """Make the task due now (RunTask); the dispatcher takes it."""
        with self.changed:
            entry = self._entry(name)
            entry.due = self.now()
            self.changed.notify_all()
            return tasks_v2.Task(entry.task)

    def _entry(self, name: str) -> Entry:
        queue = self._queue(name.rpartition("/tasks/")[0])
        try:
            return queue.tasks[name]
        except KeyError:
            raise TasksError("NOT_FOUND", f"task {name} does not exist") from None

    def _forget_tombstones(self, now: datetime) -> None:
        if len(self._tombstones) > 10_000:
            self._tombstones = {k: v for k, v in self._tombstones.items() if v > now}
        for name in [k for k, v in self._tombstones.items() if v <= now][:100]:
            del self._tombstones[name]

    # -- the dispatcher's side ------------------------------------------------------

    def take_due(self) -> tuple[list[tuple[str, tasks_v2.Task]], float]:
        """Tasks to dispatch now (marked running), within each queue's limits, and how
        long to wait before looking again (seconds)."""
        now = self.now()
        taken: list[tuple[str, tasks_v2.Task]] = []
        wait = 0.5
        for name, queue in self._queues.items():
            if queue.queue.state != tasks_v2.Queue.State.RUNNING:
                continue
            limits = queue.queue.rate_limits
            while queue.started and queue.started[0] <= now - timedelta(seconds=1):
                queue.started.popleft()
            due = sorted((e for e in queue.tasks.values() if not e.running), key=lambda e: e.due)
            for entry in due:
                if entry.due > now:
                    wait = min(wait, (entry.due - now).total_seconds())
                    break
                if queue.in_flight >= limits.max_concurrent_dispatches:
                    break
                if len(queue.started) >= limits.max_dispatches_per_second:
                    oldest = queue.started[0] + timedelta(seconds=1)
                    wait = min(wait, max(0.001, (oldest - now).total_seconds()))
                    break
                entry.running = True
                entry.task.dispatch_count += 1
                queue.in_flight += 1
                queue.started.append(now)
                queue.dispatched += 1
                taken.append((name, tasks_v2.Task(entry.task)))
        return taken, max(0.001, wait)

    def finish(self, queue_name: str, task_name: str, status: int) -> None:
        """The outcome of one dispatch: done on 2xx, else retried with backoff (or
        dropped after ``max_attempts``)."""
        with self.changed:
            queue = self._queues.get(queue_name)
            if queue is None:
                return
            queue.in_flight -= 1
            entry = queue.tasks.get(task_name)
            if entry is None:
                return
            now = self.now()
            entry.running = False
            entry.task.response_count += 1
            entry.task.last_attempt = tasks_v2.Attempt(
                dispatch_time=now, response_time=now, response_status={"code": _rpc_code(status)}
            )
            retry = queue.queue.retry_config
            attempts = entry.task.dispatch_count
            if 200 <= status < 300 or (0 < retry.max_attempts <= attempts):
                del queue.tasks[task_name]
                self._tombstones[task_name] = now + TOMBSTONE
            else:
                entry.due = now + backoff(retry, attempts)
                entry.task.schedule_time = entry.due
            self.changed.notify_all()

    def counts(self, queue_name: str) -> dict[str, int]:
        with self.lock:
            queue = self._queue(queue_name)
            return {"tasks": len(queue.tasks), "dispatched": queue.dispatched}


def backoff(retry: tasks_v2.RetryConfig, attempts: int) -> timedelta:
    """Cloud Tasks' backoff: ``min_backoff`` doubled ``max_doublings`` times, then grown
    linearly, never past ``max_backoff``."""
    low = retry.min_backoff.total_seconds()
    doublings = min(attempts - 1, retry.max_doublings)
    delay = low * 2**doublings + low * 2**doublings * max(0, attempts - 1 - doublings)
    return timedelta(seconds=min(delay, retry.max_backoff.total_seconds()))


def _defaults(queue: tasks_v2.Queue) -> None:
    retry = queue.retry_config
    if not retry.max_attempts:
        retry.max_attempts = DEFAULT_RETRY.max_attempts
    if not retry.min_backoff:
        retry.min_backoff = DEFAULT_RETRY.min_backoff
    if not retry.max_backoff:
        retry.max_backoff = DEFAULT_RETRY.max_backoff
    if not retry.max_doublings:
        retry.max_doublings = DEFAULT_RETRY.max_doublings
    limits = queue.rate_limits
    if not limits.max_dispatches_per_second:
        limits.max_dispatches_per_second = DEFAULT_RATE.max_dispatches_per_second
    if not limits.max_concurrent_dispatches:
        limits.max_concurrent_dispatches = DEFAULT_RATE.max_concurrent_dispatches


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _rpc_code(status: int) -> int:
    """google.rpc.Code of an HTTP status, as Cloud Tasks records an attempt."""
    return {200: 0, 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 429: 8, 503: 14}.get(
        status, 0 if 200 <= status < 300 else 2
    )
