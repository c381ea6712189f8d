"""The reference loop over the sync leases: notify, then sync until everything is covered.

Every path into a sync (Drive push, the add-on's trigger, Refresh, the sweep) can call
:func:`run_single_flight`; whichever process holds the lease does the work for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.store.sync_leases import SyncLeases, new_lease_owner

DEFAULT_LEASE_S = 120.0


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to sync one spreadsheet now, covering notifications up to ``generation``."""

    store: SyncLeases
    spreadsheet_id: str
    owner: str
    generation: int
    lease_s: float

    def renew(self) -> None:
        """Extends the lease during a long sync; ``LeaseLost`` if it has been taken."""
        self.store.renew_lease(self.spreadsheet_id, self.owner, self.lease_s)


def run_single_flight(
    store: SyncLeases,
    spreadsheet_id: str,
    sync: Callable[[Lease], None],
    *,
    notify: bool = True,
    owner: str | None = None,
    lease_s: float = DEFAULT_LEASE_S,
) -> int:
    """Records a notification (unless ``notify`` is False: the sweep retrying one already
    recorded) and, unless another owner holds the lease, runs ``sync`` until every
    notification is covered. Returns how many syncs ran here: 0 when another owner will
    cover this notification or none is pending.

    A sync that raises releases the lease with the error recorded (the notification
    stays pending for the sweep) and the error propagates. ``LeaseLost`` propagates if
    the lease expired and was taken during a sync; the new holder covers everything.
    """
    if notify:
        store.request_sync(spreadsheet_id)
    owner = owner or new_lease_owner()
    generation = store.try_acquire(spreadsheet_id, owner, lease_s)
    runs = 0
    while generation is not None:
        try:
            sync(Lease(store, spreadsheet_id, owner, generation, lease_s))
        except BaseException as exc:
            store.record_failure(spreadsheet_id, owner, f"{type(exc).__name__}: {exc}")
            raise
        runs += 1
        if store.release(spreadsheet_id, owner, generation):
            break
        generation = store.continue_lease(spreadsheet_id, owner, lease_s)
    return runs
