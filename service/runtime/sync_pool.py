"""Syncs that run after a hook has been acknowledged, off the request threads.

A hook records its notification in the store (``request_sync``) before it answers, so
the notification is never lost: if this process dies, or the queue is full, the sweep
finds it pending. The pool only makes the sync happen now. A spreadsheet waits in the
queue at most once: a burst of edits to one MAP queues one job, which covers them all
(the store's lease makes one sync at a time per spreadsheet across processes, and a
notification arriving during a sync causes one more sync after it).

A job may answer when to look at the spreadsheet again (a paced sync not due yet, a
quota refusal: seconds, see ``service.services.pacing``): the pool schedules it then.
Scheduled jobs wait on the process's clock, checked at least every ``NAP_S``, so a clock
moved on (tests move theirs) is noticed at once rather than after a timer runs out.

Threads start on the first job, so building an app starts none.
"""

from __future__ import annotations

import contextvars
import heapq
import logging
import queue
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

# While a job is scheduled, the scheduler looks at the clock at least this often.
NAP_S = 0.2


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SyncPool:
    def __init__(
        self,
        run: Callable[[str], float | None],
        *,
        workers: int = 4,
        queue_size: int = 1000,
        name: str = "map-sync",
        on_close: Callable[[], None] | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._run = run
        self._now = now
        self._on_close = on_close
        self._workers = workers
        self._name = name
        self._queue: queue.Queue[tuple[str, contextvars.Context] | None] = queue.Queue(
            maxsize=queue_size
        )
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        # Scheduled jobs: the earliest instant each is due, and a heap of (due, id); a
        # heap entry whose instant is no longer the id's is stale and skipped.
        self._delayed: dict[str, datetime] = {}
        self._schedule: list[tuple[datetime, str]] = []
        self._wake = threading.Condition(self._lock)
        self._scheduler: threading.Thread | None = None
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.completed = 0
        self.failed = 0

    def submit_later(self, spreadsheet_id: str, delay_s: float) -> bool:
        """Queue a sync of ``spreadsheet_id`` after ``delay_s`` seconds (once, however many
        times it is asked meanwhile; the earliest instant asked for wins); False when
        the pool is closed."""
        due = self._now() + timedelta(seconds=max(0.0, delay_s))
        with self._lock:
            if self._closed:
                return False
            current = self._delayed.get(spreadsheet_id)
            if current is not None and current <= due:
                return True
            self._delayed[spreadsheet_id] = due
            heapq.heappush(self._schedule, (due, spreadsheet_id))
            self._start_scheduler()
            self._wake.notify_all()
        return True

    def scheduled(self, spreadsheet_id: str) -> datetime | None:
        """When the spreadsheet's scheduled job is due (None: none is)."""
        with self._lock:
            return self._delayed.get(spreadsheet_id)

    def _start_scheduler(self) -> None:
        if self._scheduler is None:
            self._scheduler = threading.Thread(
                target=self._run_schedule, name=f"{self._name}-schedule", daemon=True
            )
            self._scheduler.start()

    def _run_schedule(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                due_now = self._take_due()
                if not due_now:
                    if not self._schedule:
                        self._wake.wait()  # until something is scheduled, or close
                        continue
                    ahead = (self._schedule[0][0] - self._now()).total_seconds()
                    self._wake.wait(max(0.0, min(NAP_S, ahead)))
                    continue
            for spreadsheet_id, instant in due_now:
                self._submit_delayed(spreadsheet_id, instant)

    def _take_due(self) -> list[tuple[str, datetime]]:
        """Pop the scheduled jobs that are due (the lock is held)."""
        now = self._now()
        due: list[tuple[str, datetime]] = []
        while self._schedule and self._schedule[0][0] <= now:
            instant, spreadsheet_id = heapq.heappop(self._schedule)
            if self._delayed.get(spreadsheet_id) == instant:
                due.append((spreadsheet_id, instant))
        return due

    def _submit_delayed(self, spreadsheet_id: str, instant: datetime) -> None:
        self.submit(spreadsheet_id)
        with self._idle:
            if self._delayed.get(spreadsheet_id) == instant:
                del self._delayed[spreadsheet_id]
            self._idle.notify_all()

    def submit(self, spreadsheet_id: str) -> bool:
        """Queue a sync of ``spreadsheet_id``; False when the pool is closed or full (the
        notification stays pending in the store for the sweep)."""
        with self._lock:
            if self._closed:
                return False
            if spreadsheet_id in self._queued:
                return True
            self._start_threads()
            try:
                self._queue.put_nowait((spreadsheet_id, contextvars.copy_context()))
            except queue.Full:
                log.warning("sync queue full; %s is left for the sweep", spreadsheet_id)
                return False
            self._queued.add(spreadsheet_id)
            return True

    def is_queued(self, spreadsheet_id: str) -> bool:
        """Whether ``spreadsheet_id`` waits in the queue (not yet running)."""
        with self._lock:
            return spreadsheet_id in self._queued

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Wait until nothing is queued or running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(
                lambda: not self._queued and not self._delayed and not self._busy, timeout_s
            )

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop taking jobs, let the queued ones finish (up to ``timeout_s``), stop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
            self._wake.notify_all()
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join(timeout_s)
        if self._on_close is not None:
            self._on_close()

    def _start_threads(self) -> None:
        while len(self._threads) < self._workers:
            thread = threading.Thread(
                target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            spreadsheet_id, context = job
            with self._lock:
                self._queued.discard(spreadsheet_id)
                self._busy += 1
            ok = False
            again_in: float | None = None
            try:
                again_in = context.run(self._run, spreadsheet_id)
                ok = True
            except Exception as exc:
                # The failure is recorded with the lease; the sweep tries again.
                log.warning(
                    "background sync of %s failed: %s: %s", spreadsheet_id, type(exc).__name__, exc
                )
            finally:
                if again_in is not None:  # before it counts as idle
                    self.submit_later(spreadsheet_id, again_in)
                with self._idle:
                    self._busy -= 1
                    if ok:
                        self.completed += 1
                    else:
                        self.failed += 1
                    self._idle.notify_all()
