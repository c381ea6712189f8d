"""Random interleavings of the sync-lease protocol, checked against what I4 promises.

Hypothesis plays several actors (processes) stepping through the protocol in any order:
notify and try to sync, finish a sync, fail one, sweep, let leases expire. After every
step: no two actors sync under live leases at once, and whenever nobody is syncing and
nothing was left to the sweep, every notification is covered.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from service.store import LeaseLost, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

LEASE_S = 30.0
ACTORS = ("A", "B", "C")


@dataclass
class Actor:
    owner: str = ""
    generation: int | None = None  # set while the actor believes it is syncing
    deadline: float = 0.0  # when its lease runs out, in seconds of the fake clock


def _machine(store: Store, clock: FakeClock) -> type[RuleBasedStateMachine]:
    class SyncProtocol(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.sid = make_map(store).spreadsheet_id
            self.actors = {name: Actor() for name in ACTORS}
            self.notified = 0
            self.left_for_sweep = False  # a failure or an expiry left work pending

        def _now(self) -> float:
            return clock.now.timestamp()

        def _take(self, name: str) -> None:
            actor = self.actors[name]
            actor.owner = f"{name}-{uuid.uuid4().hex[:6]}"
            actor.generation = store.try_acquire(self.sid, actor.owner, LEASE_S)
            actor.deadline = self._now() + LEASE_S

        @rule(name=st.sampled_from(ACTORS))
        def notify(self, name: str) -> None:
            if self.actors[name].generation is not None:
                return
            assert store.request_sync(self.sid).generation == self.notified + 1
            self.notified += 1
            self._take(name)

        @rule(name=st.sampled_from(ACTORS))
        def finish_sync(self, name: str) -> None:
            actor = self.actors[name]
            if actor.generation is None:
                return
            try:
                if store.release(self.sid, actor.owner, actor.generation):
                    actor.generation = None
                else:
                    actor.generation = store.continue_lease(self.sid, actor.owner, LEASE_S)
                    actor.deadline = self._now() + LEASE_S
            except LeaseLost:
                assert actor.deadline <= self._now(), "a live lease was lost"
                actor.generation = None

        @rule(name=st.sampled_from(ACTORS))
        def fail_sync(self, name: str) -> None:
            actor = self.actors[name]
            if actor.generation is None:
                return
            held = store.record_failure(self.sid, actor.owner, "boom")
            assert held or actor.deadline <= self._now()
            actor.generation = None
            self.left_for_sweep = True

        @rule(name=st.sampled_from(ACTORS))
        def sweep(self, name: str) -> None:
            if self.actors[name].generation is not None:
                return
            if self.sid in {s.spreadsheet_id for s in store.pending_syncs()}:
                self._take(name)
                if self.actors[name].generation is not None:
                    self.left_for_sweep = False

        @rule(seconds=st.sampled_from([1.0, LEASE_S + 1]))
        def time_passes(self, seconds: float) -> None:
            clock.advance(seconds=seconds)
            if any(
                a.generation is not None and a.deadline <= self._now() for a in self.actors.values()
            ):
                self.left_for_sweep = True

        @invariant()
        def at_most_one_live_lease(self) -> None:
            live = [
                name
                for name, a in self.actors.items()
                if a.generation is not None and a.deadline > self._now()
            ]
            assert len(live) <= 1, f"{live} sync at the same time"

        @invariant()
        def nothing_is_lost_when_everyone_is_idle(self) -> None:
            idle = all(a.generation is None for a in self.actors.values())
            if idle and not self.left_for_sweep and self.notified:
                state = store.sync_state(self.sid)
                assert state is not None
                assert (state.requested, state.completed) == (self.notified, self.notified)

        def teardown(self) -> None:
            # Whatever happened, the sweep brings every notification home.
            for actor in self.actors.values():
                actor.generation = None
            clock.advance(seconds=LEASE_S + 1)
            while self.sid in {s.spreadsheet_id for s in store.pending_syncs()}:
                generation = store.try_acquire(self.sid, "teardown", LEASE_S)
                assert generation is not None
                store.release(self.sid, "teardown", generation)
            state = store.sync_state(self.sid)
            assert state is None or state.completed == state.requested == self.notified

    return SyncProtocol


def test_any_interleaving_keeps_one_sync_at_a_time_and_loses_no_notification(
    make_store: Callable[..., Store], clock: FakeClock
) -> None:
    store = make_store(clock=clock)
    run_state_machine_as_test(
        _machine(store, clock),
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
