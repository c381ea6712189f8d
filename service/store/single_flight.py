"""The reference loop over the sync leases: notify, then sync until everything is covered.

Every path into a sync (Drive push, the add-on's trigger, Refresh, the sweep) can call
:func:`run_single_flight`; whichever process holds the lease does the work for all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from service.store.errors import LeaseLost
from service.store.sync_leases import SyncLeases, new_lease_owner

log = logging.getLogger(__name__)

# Short, and renewed while the sync runs (every third of it): a lease left by a process
# that died frees the spreadsheet within this long.
DEFAULT_LEASE_S = 15.0


@dataclass(slots=True)
class Lease:
    """The right to sync one spreadsheet now, covering notifications up to ``generation``."""

    store: SyncLeases
    spreadsheet_id: str
    owner: str
    generation: int
    lease_s: float
    # What releasing said when the sync's record released the lease in its own
    # transaction (:meth:`recording`): True released, False more notifications came
    # (still held). None: not released yet; the loop releases it after the sync.
    released: bool | None = field(default=None, compare=False)

    def renew(self) -> None:
        """Extends the lease during a long sync; ``LeaseLost`` if it has been taken."""
        self.store.renew_lease(self.spreadsheet_id, self.owner, self.lease_s)

    @contextmanager
    def recording(self) -> Iterator[None]:
        """A store transaction for the sync's record that also releases the lease (or,
        when notifications came during the sync, records what it covered): the record
        and the release commit together, in one transaction instead of two. The lease
        counts as released only once that transaction has committed; a block that
        raises leaves both undone, and the loop records the failure as before.
        ``LeaseLost`` after the commit if the lease had been taken meanwhile: the record
        stands (as when a separate release found the lease gone), and the new holder
        syncs again."""
        self.released = None
        with self.store.transaction():
            yield
            released = self.store.release_held(self.spreadsheet_id, self.owner, self.generation)
        if released is None:
            raise LeaseLost(self.spreadsheet_id, self.owner)
        self.released = released


def run_single_flight(
    store: SyncLeases,
    spreadsheet_id: str,
    sync: Callable[[Lease], None],
    *,
    notify: bool = True,
    owner: str | None = None,
    lease_s: float = DEFAULT_LEASE_S,
    hand_back: bool = False,
) -> int:
    """Records a notification (unless ``notify`` is False: the sweep retrying one already
    recorded) and, unless another owner holds the lease, runs ``sync`` until every
    notification is covered. Returns how many syncs ran here: 0 when another owner will
    cover this notification or none is pending.

    While ``sync`` runs, a thread renews the lease every third of ``lease_s``, so a
    live sync keeps it however long Google takes, and a dead process's lease expires
    within ``lease_s``.

    A sync that raises releases the lease with the error recorded (the notification
    stays pending for the sweep) and the error propagates. ``LeaseLost`` propagates if
    the lease expired and was taken during a sync; the new holder covers everything.

    With ``hand_back`` (paced syncs), notifications that arrived during the sync do not
    make it sync again at once: the lease is released with them pending, and the caller
    schedules the one more sync for when they are due (``sync_due_in``).
    """
    if notify:
        store.request_sync(spreadsheet_id)
    owner = owner or new_lease_owner()
    generation = store.try_acquire(spreadsheet_id, owner, lease_s)
    runs = 0
    while generation is not None:
        lease = Lease(store, spreadsheet_id, owner, generation, lease_s)
        try:
            with kept_alive(lease):
                sync(lease)
        except BaseException as exc:
            store.record_failure(spreadsheet_id, owner, f"{type(exc).__name__}: {exc}")
            raise
        runs += 1
        released = lease.released
        if released is None:  # the sync recorded nothing with its release
            released = store.release(spreadsheet_id, owner, generation)
        if released:
            break
        if hand_back:
            store.hand_back(spreadsheet_id, owner)
            break
        generation = store.continue_lease(spreadsheet_id, owner, lease_s)
    return runs


@contextmanager
def kept_alive(lease: Lease) -> Iterator[None]:
    """Renews ``lease`` every third of its length until the block ends (or it is lost)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease.lease_s / 3):
            try:
                lease.renew()
            except LeaseLost:
                return
            except Exception as exc:  # the store is briefly away: try at the next beat
                log.warning("renewing the lease of %s: %s", lease.spreadsheet_id, exc)

    thread = threading.Thread(target=beat, name=f"lease-{lease.spreadsheet_id[:12]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
