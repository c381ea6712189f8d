"""The queue of background syncs: what a hook hands a spreadsheet to after recording its
notification in the store.

:class:`SyncQueue` is all the web layer knows of it. The in-process implementation is
:class:`~service.runtime.sync_pool.SyncPool` (worker threads; with ``MAP_SYNC_PROCESSES``
they hand each sync to niced processes, :mod:`~service.runtime.sync_processes`). Another
queue (Cloud Tasks, say) replaces it by implementing these four methods and being
returned by :func:`build_sync_queue`: a notification is in the store before it is
queued, so a queue may drop work (full, closed, crashed) and the sweep still covers it.
With ``MAP_SYNC_DISPATCHER=cloud_tasks`` it is
:class:`~service.runtime.cloud_tasks.CloudTasksQueue`: Cloud Tasks calls ``POST
/tasks/sync``, which syncs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from service.clock import Clock
from service.config import Settings
from service.runtime.sync_pool import SyncPool
from service.runtime.sync_processes import SyncFailed, SyncProcesses
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.sweep import sweep_map
from service.sheets.errors import RateLimited
from service.store.errors import MapNotFound


class SyncQueue(Protocol):
    def submit(self, spreadsheet_id: str) -> bool:
        """Sync ``spreadsheet_id`` soon; False when the queue cannot take it."""
        ...

    def submit_later(self, spreadsheet_id: str, delay_s: float) -> bool:
        """Sync ``spreadsheet_id`` after ``delay_s`` seconds (once however often it is
        asked meanwhile); False when the queue cannot take it."""
        ...

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Wait until nothing is queued or running; False on timeout."""
        ...

    def close(self) -> None:
        """Stop taking work and finish what was taken."""
        ...


def build_sync_queue(settings: Settings, backend: Backend, clock: Clock) -> SyncQueue:
    """The in-process queue: ``settings.sync_workers`` threads, which sync themselves or,
    with ``settings.sync_processes``, hand each sync to that many niced processes (a sync
    refused by Google's quota is queued again ``settings.sync_quota_retry_s`` later); or
    the Cloud Tasks queue when ``settings.sync_dispatcher`` says so."""
    if settings.sync_dispatcher == "cloud_tasks":
        from service.runtime.cloud_tasks import build_cloud_tasks_queue

        return build_cloud_tasks_queue(settings, clock)
    run: Callable[[str], None]
    on_close: Callable[[], None] | None = None
    if settings.sync_processes:
        processes = SyncProcesses(
            settings,
            processes=settings.sync_processes,
            niceness=settings.sync_niceness,
            clock=clock,
        )
        run, on_close = processes, processes.close
        workers = max(settings.sync_workers, settings.sync_processes)
    else:

        def run(spreadsheet_id: str) -> None:
            sync_coalesced(backend, spreadsheet_id, notify=False, if_changed=True)

        workers = settings.sync_workers

    pools: list[SyncPool] = []

    def run_or_retry_later(spreadsheet_id: str) -> None:
        """A sync Google refused for quota goes back into the queue a while later (the
        quota is per minute), rather than waiting for the sweep."""
        try:
            run(spreadsheet_id)
        except Exception as exc:
            if _rate_limited(exc):
                pools[0].submit_later(spreadsheet_id, settings.sync_quota_retry_s)
            raise

    pool = SyncPool(
        run_or_retry_later,
        workers=workers,
        queue_size=settings.sync_queue_size,
        on_close=on_close,
    )
    pools.append(pool)
    return pool


# The in-process sweep: one MAP at a time, as the serial sweep ran, but off the cron
# request; room for every MAP a sweep may look at.
SWEEP_WORKERS = 1
SWEEP_QUEUE_SIZE = 20_000


def build_sweep_pool(backend: Backend) -> SyncPool:
    """The in-process counterpart of the sweep's Cloud Tasks: a thread that runs each
    MAP's share of the sweep (:func:`~service.services.sweep.sweep_map`, with the sync's
    own retries); a MAP gone meanwhile is skipped. Failures stay recorded on the MAP
    (a pending notification stays pending) for the next sweep."""

    def run(spreadsheet_id: str) -> None:
        try:
            sweep_map(backend, spreadsheet_id, attempts=4)
        except MapNotFound:
            return

    return SyncPool(run, workers=SWEEP_WORKERS, queue_size=SWEEP_QUEUE_SIZE, name="map-sweep")


def _rate_limited(exc: Exception) -> bool:
    """Google's quota refused the sync (here, or in a sync process)."""
    if isinstance(exc, SyncFailed):
        return str(exc).startswith(f"{RateLimited.__name__}:")
    return isinstance(exc, RateLimited)
