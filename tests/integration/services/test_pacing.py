"""Paced syncs (docs/sync.md, "Pacing"): a MAP's notifications are synced once it has
been quiet for the quiet period, or when the first of them is the maximum wait old,
whichever comes first; the instants are in the store, so several instances agree.

The queue is the real SyncPool on the test's clock, syncing against the emulator; the
test sets the clock for every notification, so the pace is the test's, not the
machine's. The quiet period is long beside the steps (10 s against 1-2 s), so a slow
step cannot make the MAP look quiet."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from emulator.testing import wait_for
from service.clock import Clock
from service.runtime.sync_pool import SyncPool
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.pacing import Pacing, paced_sync
from service.store import Store
from tests.integration.services.burst import due_for
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import row_number

READ = "sheets.spreadsheets.get"
QUIET_S = 10.0


@contextmanager
def paced_pool(backend: Backend, pacing: Pacing, clock: Clock) -> Iterator[SyncPool]:
    """The in-process queue as ``build_sync_queue`` makes it, on the test's clock."""
    pool = SyncPool(lambda sid: paced_sync(backend, sid, pacing).again_in_s, workers=2, now=clock)
    try:
        yield pool
    finally:
        pool.close()


class Typist:
    """A buyer typing Due dates into one MAP, each edit followed by its notification,
    at instants the test sets."""

    def __init__(self, world: World, spreadsheet_id: str) -> None:
        self.world = world
        self.sid = spreadsheet_id
        self.cell = f"Plan!F{row_number(world.backend_emulator_state, spreadsheet_id, 'm2')}"
        self.start: datetime = world.clock()
        self.typed = -1

    def edit_at(self, seconds: float, pools: list[SyncPool], store: Store | None = None) -> None:
        """At ``seconds`` after the start: the next edit, recorded and queued as the
        hooks do, by the next pool in turn (a load balancer between instances)."""
        self.world.clock.set(self.start + timedelta(seconds=seconds))
        self.typed += 1
        self.world.edit(self.sid, self.cell, due_for(self.typed).isoformat())
        (store or self.world.store).request_sync(self.sid)
        pools[self.typed % len(pools)].submit(self.sid)

    def move_to(self, seconds: float) -> None:
        self.world.clock.set(self.start + timedelta(seconds=seconds))

    def reads(self) -> int:
        return self.world.counters(self.sid).get(READ, 0)

    def synced_edits(self) -> list[str]:
        """The Due dates the syncs recorded, in order."""
        return [e.new or "" for e in self.world.store.history(self.sid) if e.field == "due"]

    def shows_the_last_edit(self) -> bool:
        """The last sync saw the last edit, and its write left the sheet as computed
        (one more sync finds nothing to write)."""
        if self.synced_edits()[-1:] != [due_for(self.typed).isoformat()]:
            return False
        run = sync_coalesced(self.world.backend, self.sid)
        return run.last is not None and not run.last.wrote

    def settled(self) -> bool:
        state = self.world.store.sync_state(self.sid)
        return state is not None and not state.pending and state.lease_owner is None


def new_map(world: World) -> str:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.reset_counters()
    return sid


def test_a_burst_at_a_steady_pace_is_synced_once_after_the_quiet_period(world: World) -> None:
    sid = new_map(world)
    typist = Typist(world, sid)
    with paced_pool(world.backend, Pacing(quiet_s=QUIET_S, max_wait_s=40), world.clock) as pool:
        for step in range(12):  # one edit a second for 12 s
            typist.edit_at(step, [pool])
        assert typist.reads() == 0  # never quiet for 10 s: no sync yet

        typist.move_to(11 + QUIET_S)
        wait_for(typist.settled, what="the burst synced after the quiet period")
        assert pool.wait_idle(60)

    assert typist.reads() == 1
    assert len(typist.synced_edits()) == 1  # the sync saw only the last of 12 values
    assert typist.shows_the_last_edit()


def test_a_burst_longer_than_the_maximum_wait_is_synced_at_the_maximum_wait(
    world: World,
) -> None:
    sid = new_map(world)
    typist = Typist(world, sid)
    pacing = Pacing(quiet_s=QUIET_S, max_wait_s=20)
    with paced_pool(world.backend, pacing, world.clock) as pool:
        for step in range(10):  # one edit every 2 s: never quiet
            typist.edit_at(2 * step, [pool])
        assert typist.reads() == 0  # the first edit is 18 s old

        typist.move_to(20)  # ... now 20 s: the maximum wait
        wait_for(lambda: typist.reads() == 1, what="the sync at the maximum wait")
        wait_for(typist.settled, what="the first sync finished")
        for step in range(10, 15):  # typing goes on; the next wait starts afresh
            typist.edit_at(2 * step, [pool])
        assert typist.reads() == 1

        typist.move_to(28 + QUIET_S)  # quiet after the last edit (at 28 s)
        wait_for(typist.settled, what="the rest synced after the quiet period")
        assert pool.wait_idle(60)

    assert typist.reads() == 2  # 15 edits in 28 s, two syncs
    assert typist.synced_edits() == [due_for(9).isoformat(), due_for(14).isoformat()]
    assert typist.shows_the_last_edit()


def test_two_instances_sharing_the_store_agree_and_neither_syncs_early(world: World) -> None:
    sid = new_map(world)
    # A second instance: its own store connections and pool, the same database.
    other_store = Store.from_url(world.store.engine.url, clock=world.clock)
    other = Backend(
        store=other_store,
        sheets=world.backend.sheets,
        seller_sheets=world.backend.seller_sheets,
        service_account_email=world.backend.service_account_email,
        now=world.clock,
    )
    typist = Typist(world, sid)
    pacing = Pacing(quiet_s=QUIET_S, max_wait_s=40)
    try:
        with (
            paced_pool(world.backend, pacing, world.clock) as first,
            paced_pool(other, pacing, world.clock) as second,
        ):
            for step in range(8):  # the instances take turns receiving the edits
                typist.edit_at(step, [first, second], world.store if step % 2 else other_store)
            assert typist.reads() == 0

            typist.move_to(7 + QUIET_S)
            wait_for(typist.settled, what="one of them synced")
            assert first.wait_idle(60) and second.wait_idle(60)
            assert first.completed >= 1 and second.completed >= 1  # both looked
    finally:
        other_store.close()

    assert typist.reads() == 1
    assert typist.shows_the_last_edit()
