"""A stand-in sync for the single-flight tests: it records when it ran and what it covered,
and notices when another sync is running at the same time.

``contend`` is the body of each OS process in the multi-process test (it must be
importable by a spawned interpreter, so it lives here rather than in a test module).
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from service.store import Lease, Store, run_single_flight


@dataclass(frozen=True)
class SyncRun:
    start_ns: int
    end_ns: int
    generation: int
    owner: str


@dataclass
class SyncProbe:
    """Records each sync's interval; within one process, counts overlapping syncs."""

    pause_s: float = 0.0
    runs: list[SyncRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _active: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, lease: Lease) -> None:
        start = time.monotonic_ns()
        with self._lock:
            self._active += 1
            if self._active > 1:
                self.problems.append(
                    f"{self._active} syncs at once (generation {lease.generation})"
                )
        try:
            self.check_lease(lease)
            if self.pause_s:
                time.sleep(random.uniform(0, self.pause_s))
            self.during(lease)
        finally:
            with self._lock:
                self._active -= 1
                self.runs.append(SyncRun(start, time.monotonic_ns(), lease.generation, lease.owner))

    def check_lease(self, lease: Lease) -> None:
        state = lease.store.sync_state(lease.spreadsheet_id)
        if state is None or state.lease_owner != lease.owner:
            holder = None if state is None else state.lease_owner
            self.problems.append(f"{lease.owner} syncs while the lease is {holder}'s")

    def during(self, lease: Lease) -> None:
        """Hook for tests that act in the middle of a sync."""


def overlapping(runs: list[SyncRun]) -> list[tuple[SyncRun, SyncRun]]:
    """Syncs that began before the one before them ended: empty if and only if no two
    sync intervals intersect."""
    ordered = sorted(runs, key=lambda run: run.start_ns)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b.start_ns <= a.end_ns]


def generations_in_time_order(runs: list[SyncRun]) -> list[int]:
    return [run.generation for run in sorted(runs, key=lambda run: run.start_ns)]


def notify_in_bursts(
    store: Store,
    spreadsheet_id: str,
    probe: SyncProbe,
    *,
    bursts: int,
    per_burst: int,
    together: Any,
) -> None:
    """Notifies ``per_burst`` times in each of ``bursts`` bursts, in step with the other
    contenders (``together`` is a barrier shared by all). After each burst, when every
    contender is done, every notification must be covered with no lease left behind:
    a notification dropped during a sync shows up here."""
    try:
        for burst in range(bursts):
            together.wait()
            for _ in range(per_burst):
                run_single_flight(store, spreadsheet_id, probe, lease_s=60)
                time.sleep(random.uniform(0, 0.001))
            together.wait()
            state = store.sync_state(spreadsheet_id)
            if state is None or state.pending or state.lease_owner is not None:
                probe.problems.append(f"after burst {burst}: {state}")
            together.wait()
    except BaseException:
        together.abort()  # the other contenders stop at once instead of timing out
        raise


def contend(
    url: str, spreadsheet_id: str, bursts: int, per_burst: int, together: Any, results: Any
) -> None:
    """One OS process of the multi-process test; reports what it saw on ``results``."""
    probe = SyncProbe(pause_s=0.002)
    errors: list[str] = []
    try:
        with Store.from_url(url) as store:
            notify_in_bursts(
                store, spreadsheet_id, probe, bursts=bursts, per_burst=per_burst, together=together
            )
    except BaseException as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    results.put({"runs": probe.runs, "problems": probe.problems, "errors": errors})
