"""One sync per spreadsheet at a time, across processes, with notifications coalesced
(DESIGN I4, I5).

Every path into a sync (Drive push, the add-on's trigger, Refresh, the sweep) calls
:func:`sync_coalesced`: it records the notification and, unless another worker holds the
spreadsheet's lease, syncs until every notification recorded so far is covered. A
notification arriving during a sync causes exactly one more sync after it. Duplicate or
out-of-order notifications only bump a counter, so they are harmless.

Transient trouble (Google unavailable, rows moved under a write) is retried a few times
with backoff inside the lease; if it persists, the failure is recorded and the
notification stays pending for the periodic sweep. Google's quota (``RateLimited``, also
the shared budget's ``QuotaBudgetSpent``) is not retried here: the quota is per minute,
so it goes back to whoever runs the sync, which waits ``retry_after_s`` (the queue
schedules the sync then; see ``pacing.py``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.services.backend import Backend
from service.services.if_changed import sync_if_changed
from service.services.rollover import rollover_map
from service.services.sync import SyncDeps, SyncResult, sync_map
from service.sheets.errors import GoogleUnavailable, LayoutChanged
from service.store.single_flight import Lease, run_single_flight

log = logging.getLogger(__name__)

TRANSIENT = (GoogleUnavailable, LayoutChanged)


@dataclass
class CoalescedRun:
    syncs: int  # syncs this call ran (0: another worker covers it)
    last: SyncResult | None


def sync_coalesced(
    backend: Backend,
    spreadsheet_id: str,
    *,
    notify: bool = True,
    rollover_only: bool = False,
    if_changed: bool = False,
    paced: bool = False,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> CoalescedRun:
    """Record a change notification and sync unless someone else is syncing (see the
    module docstring). ``rollover_only`` recomputes from the snapshot without a read;
    ``if_changed`` reads the sheet only when its Drive version is not the one the last
    sync recorded (a notification of our own write costs one Drive call, no Sheets read;
    see ``if_changed.py``). ``paced``: notifications arriving during the sync are left
    pending for the caller to schedule when due, not synced at once (``pacing.py``)."""
    results: list[SyncResult] = []

    def run(lease: Lease) -> None:
        with backend.sheets() as sheets:
            deps = SyncDeps(store=backend.store, sheets=sheets, now=backend.now, lease=lease)
            attempt_syncs(deps, lease)

    def attempt_syncs(deps: SyncDeps, lease: Lease) -> None:
        for attempt in range(attempts):
            try:
                action = (
                    rollover_map if rollover_only else sync_if_changed if if_changed else sync_map
                )
                results.append(action(deps, spreadsheet_id))
                return
            except TRANSIENT as exc:
                if attempt == attempts - 1:
                    raise
                log.info("sync of %s: %s; trying again", spreadsheet_id, type(exc).__name__)
                sleep(min(8.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.0))
                lease.renew()

    syncs = run_single_flight(backend.store, spreadsheet_id, run, notify=notify, hand_back=paced)
    return CoalescedRun(syncs=syncs, last=results[-1] if results else None)
