"""The Timeline tab's cost in a sync: CPU time to compute the spans and weeks
(``service.domain.timeline``) and to plan the tab's part of the write
(``service.sheets.timeline_tab``: what it shows, compared with what was read), for a
15- and a 500-milestone plan.

Run: .venv/bin/python bench/bench_timeline.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from functools import partial

from service.domain.compute import compute
from service.domain.model import Kind, Milestone, Plan
from service.domain.timeline import Timeline, timeline
from service.sheets.timeline_tab import TimelineCells, wanted_cells, write_requests

TODAY = date(2027, 1, 4)
RUNS = 20


def chain(size: int) -> Plan:
    """``size`` steps in a chain, two business days each, the last the go-live."""
    steps = tuple(
        Milestone(
            id=f"m{i}",
            title=f"Step {i}",
            owner="Dana Lee <dana@acme.example>",
            lead_bd=2,
            kind=Kind.GO_LIVE if i == size else None,
        )
        for i in range(1, size + 1)
    )
    return Plan(go_live=date(2027, 3, 31) if size < 100 else date(2031, 3, 31), milestones=steps)


def cpu_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    start = time.process_time()
    for _ in range(runs):
        work()
    return (time.process_time() - start) / runs * 1000


def plan_write(shown: Timeline, read: TimelineCells) -> object:
    return write_requests(1005, read, wanted_cells(shown, "en_US"))


def main() -> None:
    for size in (15, 500):
        plan = chain(size)
        computed = compute(plan, TODAY)
        shown = timeline(plan, computed)
        wanted = wanted_cells(shown, "en_US")
        read = TimelineCells.from_json(wanted.to_json())  # the tab as the last sync left it
        spans_ms = cpu_ms(partial(timeline, plan, computed))
        plan_ms = cpu_ms(partial(plan_write, shown, read))
        print(
            f"{size:>3} milestones, {len(shown.weeks)} weeks: spans and weeks "
            f"{spans_ms:.2f} ms CPU, planning the tab's write (nothing changed) "
            f"{plan_ms:.2f} ms CPU"
        )


if __name__ == "__main__":
    main()
