"""Pending work resumed when a process starts.

A hook records its notification before it answers, so when a process dies (``kill -9``,
a crash, a redeploy) every MAP it had not finished is still pending in the store. At
start each is queued again: at once when nobody holds its lease, else just after the
lease (short, and no longer renewed by the dead process) expires. A live process's
lease is not taken: the queued sync then finds it held and leaves the work to it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from service.runtime.sync_queue import SyncQueue
from service.store.sync_leases import SyncLeases

log = logging.getLogger(__name__)

# After a lease's expiry, so that the clocks of two hosts need not agree to the millisecond.
AFTER_EXPIRY_S = 0.5


def resume_pending(store: SyncLeases, queue: SyncQueue, now: datetime) -> int:
    """Queue every spreadsheet with uncovered notifications; returns how many."""
    resumed = 0
    for state in store.unfinished_syncs():
        wait = 0.0
        if state.lease_owner is not None and state.lease_until is not None:
            wait = max(0.0, (state.lease_until - now).total_seconds())
        if wait:
            queued = queue.submit_later(state.spreadsheet_id, wait + AFTER_EXPIRY_S)
        else:
            queued = queue.submit(state.spreadsheet_id)
        resumed += queued
    if resumed:
        log.info("resuming %d MAP(s) with pending changes", resumed)
    return resumed
