"""How long ``compute(plan, today)`` takes, in process, by plan size.

Run: ``.venv/bin/python bench/bench_engine.py``. Prints the median time of one compute
(schedule, forecast, risks) for the shipped 15-milestone enterprise template and for
generated plans of 100, 1,000, 2,000 and 4,000 milestones, the part of it the forecast
takes, and the time per milestone (flat = linear growth). Targets: under 5 ms for 15
milestones, under 1 s for 2,000. Each compute works its forecast out afresh (the
per-process memo of ``forecast_memo`` is emptied first); the last column is a compute
whose forecast the memo gives back, as after an edit that changes no scheduling field.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from service.domain import Category, Kind, Milestone, Plan, Side, Status, compute
from service.domain.forecast import forecast
from service.domain.forecast_memo import forget
from service.domain.graph import PlanGraph
from service.domain.schedule import Schedule
from service.templates import load_template

TODAY = date(2026, 11, 16)
GO_LIVE = date(2027, 3, 31)
TARGETS_MS = {15: 5.0, 2000: 1000.0}
SIDES = (Side.BUYER, Side.SELLER, Side.JOINT)
CATEGORIES = tuple(Category)
OWNERS = (
    "Dana Lee <dana@acme.com>",
    "Sam Seller <sam@vendor.com>",
    "legal@acme.com",
    "Acme Procurement",
    "",
)


def enterprise_plan() -> Plan:
    return load_template("enterprise").to_plan(
        account="Acme",
        outcome="Cut ramp time",
        go_live=GO_LIVE,
        buyers=[("Dana Lee", "dana@acme.com")],
        seller_owner="Sam Seller <sam@vendor.com>",
        created_on=TODAY - timedelta(days=20),
    )


def generated_plan(size: int, seed: int = 7) -> Plan:
    """A plan shaped like a big programme: parallel tracks of about 25 steps that sometimes
    wait for each other, all feeding the go-live; a few steps done, N/A, blocked or pinned
    near their natural dates; a short tail of steps after go-live."""
    rng = random.Random(seed)
    after = max(1, size // 50)
    width = max(1, (size - after - 1) // 25)
    before = size - after - 1
    milestones: list[Milestone] = []
    for i in range(size):
        if i < before:
            track_deps = [i - width] if i >= width else []
            if i >= 2 * width and rng.random() < 0.3:
                track_deps.append(i - width - rng.randrange(1, width + 1))
            depends_on: tuple[str, ...] = tuple(dict.fromkeys(f"m{j}" for j in track_deps))
            kind = Kind.SIGNATURE if i == before // 2 else None
        elif i == before:
            depends_on = tuple(f"m{j}" for j in range(max(0, before - width), before))
            kind = Kind.GO_LIVE
        else:
            depends_on, kind = (f"m{i - 1}",), None
        layer = i // width
        status, completed_on = Status.NOT_STARTED, None
        roll = rng.random()
        if layer < 3 and roll < 0.6:
            status, completed_on = Status.DONE, TODAY - timedelta(days=rng.randint(1, 20))
        elif roll < 0.03:
            status = Status.NOT_APPLICABLE
        elif roll < 0.06:
            status = Status.BLOCKED
        pinned = rng.random() < 0.02
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=f"Step {i}",
                side=SIDES[i % 3],
                owner=OWNERS[i % len(OWNERS)],
                category=CATEGORIES[i % len(CATEGORIES)],
                kind=kind,
                lead_bd=rng.randint(1, 6),
                depends_on=depends_on,
                due=TODAY + timedelta(days=7 * layer + rng.randint(0, 20)) if pinned else None,
                status=status,
                completed_on=completed_on,
                deliverable="" if i % 7 == 0 else f"Output of step {i}",
            )
        )
    return Plan(
        go_live=GO_LIVE,
        milestones=tuple(milestones),
        created_on=TODAY - timedelta(days=30),
        known_owners=OWNERS[:2],
    )


def median_ms(plan: Plan, repeats: int) -> tuple[float, float, float]:
    """The median milliseconds of one compute, of its forecast alone, and of a compute
    whose forecast is kept from the one before."""
    compute(plan, TODAY)  # warm the calendar for this plan's years
    schedule = Schedule.build(plan, PlanGraph.build(plan), TODAY)
    times, forecast_times, kept_times = [], [], []
    for _ in range(repeats):
        forget()
        start = time.perf_counter()
        compute(plan, TODAY)
        middle = time.perf_counter()
        forecast(schedule, None)
        end = time.perf_counter()
        compute(plan, TODAY)
        times.append(middle - start)
        forecast_times.append(end - middle)
        kept_times.append(time.perf_counter() - end)
    return (
        statistics.median(times) * 1000,
        statistics.median(forecast_times) * 1000,
        statistics.median(kept_times) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    quick = parser.parse_args().quick
    cases = [("enterprise template", enterprise_plan(), 50 if quick else 2000)]
    for size, repeats in ((100, 200), (1000, 30), (2000, 15), (4000, 9)):
        cases.append(
            (
                f"generated {size:,}",
                generated_plan(size),
                max(3, repeats // 10) if quick else repeats,
            )
        )
    print(
        f"{'plan':<22}{'milestones':>11}{'median':>13}{'forecast':>13}{'per milestone':>16}"
        f"{'kept':>13}  target"
    )
    for name, plan, repeats in cases:
        size = len(plan.milestones)
        ms, forecast_ms, kept_ms = median_ms(plan, repeats)
        target = TARGETS_MS.get(size)
        verdict = "" if target is None else f"< {target:g} ms: {'ok' if ms < target else 'MISSED'}"
        print(
            f"{name:<22}{size:>11,}{ms:>10.3f} ms{forecast_ms:>10.3f} ms"
            f"{ms * 1000 / size:>13.1f} us{kept_ms:>10.3f} ms  {verdict}"
        )


if __name__ == "__main__":
    main()
