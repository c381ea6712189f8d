"""Syncs paced to how people type: a debounce with a maximum wait, per MAP, across
instances, and the Sheets quota budget's waits (docs/sync.md, "Pacing").

Edits to one MAP arrive in bursts of 1-5 a second. Syncing each would spend the Sheets
read quota alone (one person typing uses Google's 60 reads a minute). So a sync that a
notification asks for (Drive push, the add-on's trigger, via the queue) starts only when
the MAP has been quiet for ``quiet_s`` or its first unsynced notification is
``max_wait_s`` old; otherwise it is due at ``min(last + quiet_s, first + max_wait_s)``
and the queue looks again then. Both instants are in the store (``sync_state``), so
every instance agrees on when a MAP is due, and the lease still makes one sync at a
time. Notifications that arrive during a sync are handed back pending, and due by the
same rule (not synced at once, which would sync on and on while someone types).

When Google's quota (or the shared budget) refuses a call, the sync waits for the
refusal's ``retry_after_s``; notifications arriving meanwhile land in that one sync.

Refresh, the ``map sync`` command, the sweep and the review sync at once, unpaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.sheets.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Pacing:
    quiet_s: float = 1.2
    max_wait_s: float = 40.0
    # How long to wait after a quota refusal that does not say.
    quota_retry_s: float = 60.0


@dataclass(frozen=True, slots=True)
class PacedRun:
    syncs: int  # syncs run here
    # Seconds until the MAP should be looked at again (None: nothing left to do here:
    # nothing pending, or a live lease holder covers it).
    again_in_s: float | None
    deferred_by_quota: bool = False


def paced_sync(
    backend: Backend, spreadsheet_id: str, pacing: Pacing, *, attempts: int = 4
) -> PacedRun:
    """Sync the MAP if its notifications are due (see the module docstring), reading the
    sheet only when its Drive version changed (``if_changed``). Returns how many syncs
    ran and when to look again."""
    store = backend.store
    wait = store.sync_due_in(spreadsheet_id, pacing.quiet_s, pacing.max_wait_s)
    if wait is None or wait > 0:
        return PacedRun(syncs=0, again_in_s=wait)
    try:
        run = sync_coalesced(
            backend, spreadsheet_id, notify=False, if_changed=True, paced=True, attempts=attempts
        )
    except RateLimited as exc:
        retry = exc.retry_after_s if exc.retry_after_s is not None else pacing.quota_retry_s
        return PacedRun(syncs=0, again_in_s=retry, deferred_by_quota=True)
    return PacedRun(
        syncs=run.syncs,
        again_in_s=store.sync_due_in(spreadsheet_id, pacing.quiet_s, pacing.max_wait_s),
    )
