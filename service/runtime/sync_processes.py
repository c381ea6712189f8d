"""Syncs in separate, lower-priority processes (``MAP_SYNC_PROCESSES`` > 0).

A sync is CPU work (parse the grid, compute the plan, plan the write). Run on threads
of a web process, it competes for that process's interpreter lock with the threads
that acknowledge hooks, and acknowledgements wait. In processes of their own, started
with ``spawn`` (never ``fork`` from a threaded server) and niced, syncs take the CPU
the web threads leave. The :class:`~service.runtime.sync_pool.SyncPool` threads hand each
spreadsheet to :class:`SyncProcesses` and wait for it; the store's lease still makes
one sync at a time per spreadsheet across every process.

Failures are logged in the child and reported back as text, so nothing unpicklable
crosses the process boundary; a child that dies is replaced on the next job.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from service.clock import Clock
from service.config import Settings
from service.runtime import logs
from service.runtime.gateways import ServiceSheets
from service.runtime.start_up import settle
from service.runtime.wiring import build_backend, build_store
from service.services.backend import Backend
from service.services.pacing import Pacing, paced_sync

log = logging.getLogger(__name__)

# The backend of a sync process, built by its initializer.
_child_backend: Backend | None = None


_child_pacing = Pacing()


def _start_child(settings: Settings, niceness: int, clock: Clock, pacing: Pacing) -> None:
    global _child_backend, _child_pacing
    _child_pacing = pacing
    if niceness:
        os.nice(niceness)
    logs.configure_logging(settings.log_format, settings.log_level)
    store = build_store(settings, migrate=False, clock=clock)
    _child_backend = build_backend(settings, store, ServiceSheets(settings, store), clock=clock)
    settle()


def _sync_in_child(spreadsheet_id: str) -> tuple[str, float | None]:
    """Sync one spreadsheet when it is due (paced); returns what went wrong ("" when it
    went well) and when to look at it again (see ``paced_sync``)."""
    assert _child_backend is not None, "the sync process was not initialised"
    try:
        run = paced_sync(_child_backend, spreadsheet_id, _child_pacing)
    except Exception as exc:
        log.warning("sync of %s failed: %s: %s", spreadsheet_id, type(exc).__name__, exc)
        return f"{type(exc).__name__}: {exc}", None
    return "", run.again_in_s


class SyncFailed(Exception):
    """A sync in a sync process failed (it was logged there, and recorded in the store)."""


class SyncProcesses:
    """Callable with a spreadsheet id: syncs it in one of the processes and waits."""

    def __init__(
        self,
        settings: Settings,
        *,
        processes: int,
        niceness: int = 10,
        clock: Clock | None = None,
        pacing: Pacing | None = None,
    ) -> None:
        self._settings = settings
        self._pacing = pacing or Pacing()
        # The parent's clock goes to the children (its offset is all it holds).
        self._clock = clock or Clock()
        self._processes = processes
        self._niceness = niceness
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def __call__(self, spreadsheet_id: str) -> float | None:
        """Returns when to look at the spreadsheet again (None: nothing to do)."""
        try:
            problem, again_in = self._pool().submit(_sync_in_child, spreadsheet_id).result()
        except BrokenProcessPool:
            with self._lock:
                self._executor = None  # a child died; the next job starts fresh ones
            raise SyncFailed(f"the sync process for {spreadsheet_id} died") from None
        if problem:
            raise SyncFailed(problem)
        return again_in

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self._processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_child,
                    initargs=(self._settings, self._niceness, self._clock, self._pacing),
                )
            return self._executor
