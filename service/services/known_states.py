"""The MAP states this process last saved or loaded, parsed, by their snapshot's stamp.

A sync starts from the MAP's latest snapshot. Reading its three JSON documents and
parsing them into a :class:`MapState` cost about 0.4 ms of CPU at 15 milestones, a
twentieth of a sync; most often the snapshot is the one this process saved at the end
of the MAP's sync before. Each snapshot gets a random stamp when saved, never given
again, so the same stamp means the same content: :func:`load_state` asks the store for
the latest snapshot unless its stamp is that of the state held here, and then uses the
held state as it is. Another instance's save, a store restored from a backup, a MAP
made again: each is a new stamp, read and parsed as before. The query is the one it
replaces, in the same transaction: no statement is added.

What is held is what parsing the stored snapshot would give (:meth:`MapState.as_stored`):
the states are frozen and nothing changes them in place. The tests check it: with
:attr:`KnownStates.verify` on (the test suite turns it on for every test), each state
used from here is compared with the stored snapshot, parsed, and a difference fails.

A MAP's latest state only, for the MAPs synced last, up to :data:`KEPT_MILESTONES`
milestones in all: a state takes about 86 KiB at 15 milestones (measured with
tracemalloc, its documents included), about 6 KiB a milestone, so what is held stays
near 12 MiB whatever the plans' sizes (a plan larger than that is not held).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from service.services.map_state import MapState
from service.store import Snapshot, Store

KEPT_MILESTONES = 2000


class KnownStates:
    """MAP states by spreadsheet id, each with its snapshot's stamp; the least recently
    used let go once they hold more than ``milestones`` milestones in all (a state
    counts one more than its milestones). Safe to share between threads."""

    def __init__(self, milestones: int) -> None:
        self._room = milestones
        self._lock = threading.Lock()
        self._held: OrderedDict[str, tuple[str, MapState]] = OrderedDict()
        self._weight = 0
        self.verify = False  # compare each state used with the stored one (tests)

    def held(self, spreadsheet_id: str) -> tuple[str, MapState] | None:
        with self._lock:
            entry = self._held.get(spreadsheet_id)
            if entry is not None:
                self._held.move_to_end(spreadsheet_id)
            return entry

    def keep(self, spreadsheet_id: str, stamp: str | None, state: MapState) -> None:
        """Hold ``state`` as the snapshot stamped ``stamp`` (a snapshot saved before
        stamps, ``None``, is not held)."""
        with self._lock:
            before = self._held.pop(spreadsheet_id, None)
            if before is not None:
                self._weight -= _weight(before[1])
            if stamp is None or _weight(state) > self._room:
                return
            self._held[spreadsheet_id] = (stamp, state)
            self._weight += _weight(state)
            while self._weight > self._room:
                _, (_, dropped) = self._held.popitem(last=False)
                self._weight -= _weight(dropped)


def _weight(state: MapState) -> int:
    return len(state.plan.milestones) + 1


KNOWN_STATES = KnownStates(KEPT_MILESTONES)


def load_state(store: Store, spreadsheet_id: str) -> MapState | None:
    """The MAP's latest state (None: it has no snapshot), the one held here when the
    store's latest snapshot is still it. Inside the caller's store transaction."""
    latest = store.latest_snapshot_unless(spreadsheet_id, held_stamp(spreadsheet_id))
    return state_of(store, spreadsheet_id, latest)


def held_stamp(spreadsheet_id: str) -> str | None:
    """The stamp of the state held for the MAP (None: none is held): what to ask the
    store for the latest snapshot "unless" (``Store.latest_snapshot_unless``)."""
    held = KNOWN_STATES.held(spreadsheet_id)
    return None if held is None else held[0]


def state_of(store: Store, spreadsheet_id: str, latest: Snapshot | str | None) -> MapState | None:
    """The state of the ``latest`` snapshot as the store gave it for :func:`held_stamp`:
    the held state when it is only that stamp (read again and compared when
    :attr:`KnownStates.verify`), else the snapshot parsed, then held."""
    if latest is None:
        return None
    if isinstance(latest, str):
        held = KNOWN_STATES.held(spreadsheet_id)
        assert held is not None and held[0] == latest
        if KNOWN_STATES.verify:
            _check(store, spreadsheet_id, held[1])
        return held[1]
    state = MapState.from_snapshot(latest)
    KNOWN_STATES.keep(spreadsheet_id, latest.stamp, state)
    return state


def _check(store: Store, spreadsheet_id: str, state: MapState) -> None:
    stored = store.latest_snapshot(spreadsheet_id)
    assert stored is not None
    parsed = MapState.from_snapshot(stored)
    if parsed != state:
        raise AssertionError(
            f"the state held for {spreadsheet_id} is not the stored snapshot's: "
            f"{_difference(parsed, state)}"
        )


def _difference(stored: MapState, held: MapState) -> str:
    fields = [
        name for name in stored.__dataclass_fields__ if getattr(stored, name) != getattr(held, name)
    ]
    return ", ".join(fields) or "(equal field by field)"
