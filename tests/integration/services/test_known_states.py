"""A sync starts from the MAP state this process holds when the store's latest snapshot
is still the one it saved or loaded (``service.services.known_states``), and from the
store's otherwise: a snapshot saved elsewhere is never missed, and a held state is never
used past its snapshot. On a SQLite file and on PostgreSQL, against the emulator."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.services.coalesce import sync_coalesced
from service.services.known_states import KNOWN_STATES, KnownStates, load_state
from service.services.map_state import MapState
from service.services.sync import load_inputs
from tests.integration.services.conftest import World, provisioned
from tests.integration.services.sheet_view import row_number


def test_a_sync_starts_from_the_state_the_sync_before_it_saved(world: World) -> None:
    sid = provisioned(world)
    row = row_number(world.backend_emulator_state, sid, "m2")
    world.edit(sid, f"Plan!G{row}", "In progress")
    sync_coalesced(world.backend, sid)
    stored = world.store.latest_snapshot(sid)
    assert stored is not None

    held = KNOWN_STATES.held(sid)
    assert held is not None and held[0] == stored.stamp
    # The same state the stored snapshot parses to (the suite checks this on every use).
    assert held[1] == MapState.from_snapshot(stored)
    assert load_inputs(world.store, sid).state is held[1]
    m2 = next(m for m in held[1].plan.milestones if m.id == "m2")
    assert m2.status.value == "In progress"


def test_a_snapshot_saved_elsewhere_is_read_and_held_from_then_on(world: World) -> None:
    sid = provisioned(world)
    before = load_inputs(world.store, sid).state
    # Another instance records a reason for the go-live move: a new snapshot.
    elsewhere = replace(before, reason="Legal asked for two more weeks")
    world.store.save_snapshot(sid, **elsewhere.snapshot())

    loaded = load_inputs(world.store, sid).state
    assert loaded.reason == "Legal asked for two more weeks" and loaded is not before
    assert load_inputs(world.store, sid).state is loaded  # held from then on


def test_a_held_state_that_is_not_the_stored_one_fails_the_suites_check(world: World) -> None:
    sid = provisioned(world)
    stamp, state = KNOWN_STATES.held(sid) or ("", None)
    assert state is not None
    KNOWN_STATES.keep(sid, stamp, replace(state, reason="never stored"))

    with pytest.raises(AssertionError, match="reason"):
        load_state(world.store, sid)
    KNOWN_STATES.verify = False  # as in production: the held state is trusted
    held = load_state(world.store, sid)
    assert held is not None and held.reason == "never stored"


def test_only_the_maps_used_last_are_held_up_to_a_number_of_milestones(world: World) -> None:
    sid = provisioned(world)
    state = load_inputs(world.store, sid).state
    size = len(state.plan.milestones) + 1  # what a state counts for
    known = KnownStates(2 * size)
    for name in ("a", "b", "a", "c"):
        known.keep(name, f"stamp-{name}", state)
    assert known.held("b") is None  # the least recently used, let go
    assert [known.held(name) is not None for name in ("a", "c")] == [True, True]
    known.keep("a", None, state)  # a snapshot saved before stamps: not held
    assert known.held("a") is None
    too_large = KnownStates(size - 1)
    too_large.keep("x", "stamp-x", state)  # larger than all the room: not held
    assert too_large.held("x") is None
