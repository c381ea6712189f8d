"""Syncs that run after a hook has been acknowledged, off the request threads.

A hook records its notification in the store (``request_sync``) before it answers, so
the notification is never lost: if this process dies, or the queue is full, the sweep
finds it pending. The pool only makes the sync happen now. A spreadsheet waits in the
queue at most once: a burst of edits to one MAP queues one job, which covers them all
(the store's lease makes one sync at a time per spreadsheet across processes, and a
notification arriving during a sync causes one more sync after it).

Threads start on the first job, so building an app starts none.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class SyncPool:
    def __init__(
        self,
        run: Callable[[str], None],
        *,
        workers: int = 4,
        queue_size: int = 1000,
        name: str = "map-sync",
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._run = run
        self._on_close = on_close
        self._workers = workers
        self._name = name
        self._queue: queue.Queue[tuple[str, contextvars.Context] | None] = queue.Queue(
            maxsize=queue_size
        )
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        self._delayed: set[str] = set()
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.completed = 0
        self.failed = 0

    def submit_later(self, spreadsheet_id: str, delay_s: float) -> bool:
        """Queue a sync of ``spreadsheet_id`` after ``delay_s`` seconds (once, however many
        times it is asked meanwhile); False when the pool is closed."""
        with self._lock:
            if self._closed:
                return False
            if spreadsheet_id in self._delayed:
                return True
            self._delayed.add(spreadsheet_id)
        timer = threading.Timer(delay_s, self._submit_delayed, args=(spreadsheet_id,))
        timer.daemon = True
        timer.start()
        return True

    def _submit_delayed(self, spreadsheet_id: str) -> None:
        self.submit(spreadsheet_id)
        with self._idle:
            self._delayed.discard(spreadsheet_id)
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
            try:
                context.run(self._run, spreadsheet_id)
                ok = True
            except Exception as exc:
                # The failure is recorded with the lease; the sweep tries again.
                log.warning(
                    "background sync of %s failed: %s: %s", spreadsheet_id, type(exc).__name__, exc
                )
            finally:
                with self._idle:
                    self._busy -= 1
                    if ok:
                        self.completed += 1
                    else:
                        self.failed += 1
                    self._idle.notify_all()
