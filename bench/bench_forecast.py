"""Does the forecast warn of quarter slips earlier and more truly than the rules alone?

Run: ``.venv/bin/python bench/bench_forecast.py [--deals N] [--history N] [--seed S]``.
A simulated pipeline of enterprise deals is played forward; ten business days before the
end of the quarter that each deal's signature is targeted in, every deal still unsigned is
computed as the sheet would be that day, and we check who warned of the slips that
followed:

- rules: the contract's deterministic rules alone (QUARTER_SLIP or GO_LIVE_SLIP);
- forecast with priors: QUARTER_SLIP or SLIP_LIKELY (p_in_quarter < 0.5);
- forecast calibrated: the same with a calibration fit by ``build_calibration`` on a
  separate simulated history of finished deals.

It prints recall (slipped deals warned of), false alarms (deals signed in the quarter that
were warned of, over all of those), wrong warnings (warnings for deals that signed in the
quarter after all, over all warnings), the reliability of p_in_quarter and of p_on_time (the
deal health) per 20-point bin, their Brier scores, and the forecast's recall and false
alarms over the rules'. Seeded: the same options print the same figures.

The simulated world (what it assumes)
- Deals follow the shipped enterprise template (15 steps; security, DPA, budget, legal
  and procurement in parallel after the technical fit). A deal drops the DPA one time in
  five and the budget approval one in four (N/A). The seller plans each lead as the
  template's lead times a lognormal factor (sigma 0.25), rounded, at least 1.
- The committed go-live leaves the planned critical path plus a slack of -5 to 45
  business days (uniform, four weeks on average): a few plans start late, most have
  some room.
- One deal in five pins the signature to its target (a date agreed with the buyer).
- How long a step really takes is the template's lead (not the seller's plan) times a
  lognormal ratio per category and side: seller steps median 1.0 (sigma 0.2); the
  buyer's security 1.45 (0.45), legal 1.35 (0.45), procurement 1.05 (0.4) and one time in
  five "complex" (x2.3), budget 1.25 (0.45), other buyer steps 1.15 (0.4); joint steps
  1.1 (0.35), implementation 1.2 (0.4). These are not the engine's priors: close to
  the published figures, but not equal, and shaped differently.
- Buyers differ: one lognormal factor per deal (sigma 0.25) multiplies all buyer and
  joint steps, so a slow buyer is slow everywhere (the forecast assumes independence).
- Stalls: a step stalls with probability 10% (the buyer's paper steps), 5% (other buyer
  steps), 4% (joint) or 1% (seller) and then takes about 15 more business days
  (lognormal, sigma 0.5): a reorganisation, a holiday, a champion gone quiet.
- Steps start when their predecessors finish; the first on the plan's creation day. A
  pinned signature is not signed before its pin, nor go-live held before its date.
- The sheet is kept up to date: a step done by the checkpoint is Done with its real
  completion date, a step whose predecessors are done is In progress, the rest Not
  started.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from service.domain import Calibration, Category, Kind, Plan, Side, Status, build_calibration
from service.domain import compute as compute_plan
from service.domain.calendar import BusinessCalendar
from service.domain.graph import PlanGraph
from service.domain.schedule import Schedule, quarter_end
from service.templates import Template, load_template

US = BusinessCalendar.get("US")
EPOCH = date(2024, 1, 1)
DAYS = 3000  # business days the simulation can reach from EPOCH (about 12 years)
WARNING_BD = 10  # the checkpoint: this many business days before the quarter ends

SELLER = (1.0, 0.2)
JOINT = (1.1, 0.35)
BUYER = (1.15, 0.4)
BUYER_PAPER = {
    Category.SECURITY: (1.45, 0.45),
    Category.LEGAL: (1.35, 0.45),
    Category.PROCUREMENT: (1.05, 0.4),
    Category.FINANCE: (1.25, 0.45),
}
IMPLEMENTATION = (1.2, 0.4)
COMPLEX_PROCUREMENT = (0.2, 2.3)  # how often, and how much longer
STALL_CHANCE = {"paper": 0.10, Side.BUYER: 0.05, Side.JOINT: 0.04, Side.SELLER: 0.01}
STALL_BD = (15, 0.5)  # median, sigma
BUYER_SPREAD = 0.25
PLANNING_SPREAD = 0.25
SLACK_BD = (-5, 45)
PIN_SIGNATURE = 0.2
DROP = {"dpa": 0.2, "budget": 0.25}


class Days:
    """Business days as whole numbers from EPOCH, and back."""

    def __init__(self) -> None:
        self.days = [US.add_bd(EPOCH, n) for n in range(DAYS)]
        self.index = {d: n for n, d in enumerate(self.days)}

    def of(self, day: date) -> int:
        return self.index[US.prev_bd(day)]


@dataclass
class Deal:
    plan: Plan  # as created: nothing done
    actual: list[int]  # when each milestone really finished (business-day numbers)
    started: list[int]  # when its predecessors had all finished
    signature: int  # row
    go_live: int  # row
    signature_target: date
    go_live_target: date


def true_ratio(rng: random.Random, category: Category, side: Side, key: str) -> float:
    if side is Side.SELLER:
        median, sigma = SELLER
    elif category in BUYER_PAPER:
        median, sigma = BUYER_PAPER[category]
    elif key == "implementation":
        median, sigma = IMPLEMENTATION
    else:
        median, sigma = BUYER if side is Side.BUYER else JOINT
    ratio = median * math.exp(rng.gauss(0, sigma))
    if category is Category.PROCUREMENT and side is not Side.SELLER:
        chance, factor = COMPLEX_PROCUREMENT
        if rng.random() < chance:
            ratio *= factor
    return ratio


def stall_bd(rng: random.Random, category: Category, side: Side) -> float:
    paper = side is not Side.SELLER and category in BUYER_PAPER
    if rng.random() >= STALL_CHANCE["paper" if paper else side]:
        return 0.0
    median, sigma = STALL_BD
    return median * math.exp(rng.gauss(0, sigma))


@cache
def enterprise() -> Template:
    return load_template("enterprise")


def make_deal(rng: random.Random, days: Days, created: int) -> Deal:
    template = enterprise()
    keys = [m.key for m in template.milestones]
    plan = template.to_plan(
        account="Sim",
        outcome="",
        go_live=days.days[created + 200],  # replaced below
        buyers=[("Dana Lee", "dana@buyer.example")],
        seller_owner="Sam Seller <sam@seller.example>",
        created_on=days.days[created],
    )
    buyer_factor = math.exp(rng.gauss(0, BUYER_SPREAD))
    milestones = []
    truth: list[float] = []
    for key, m, spec in zip(keys, plan.milestones, template.milestones, strict=True):
        lead = max(1, round(spec.lead_bd * math.exp(rng.gauss(0, PLANNING_SPREAD))))
        status = Status.NOT_APPLICABLE if rng.random() < DROP.get(key, 0.0) else m.status
        milestones.append(dataclasses.replace(m, lead_bd=lead, status=status))
        duration = spec.lead_bd * true_ratio(rng, m.category, m.side, key)
        if m.side is not Side.SELLER:
            duration *= buyer_factor
        truth.append(max(1.0, duration + stall_bd(rng, m.category, m.side)))
    plan = dataclasses.replace(plan, milestones=tuple(milestones))
    graph = PlanGraph.build(plan)
    go_live = graph.go_live
    signature = next(i for i in graph.active if milestones[i].kind is Kind.SIGNATURE)
    assert go_live is not None

    # The commitment: the planned critical path from creation, plus some slack.
    planned = [created] * len(milestones)
    for i in graph.order:
        ready = max((planned[p] for p in graph.preds[i]), default=created)
        planned[i] = ready + milestones[i].lead_bd
    committed = planned[go_live] + rng.randint(*SLACK_BD)
    plan = dataclasses.replace(plan, go_live=days.days[max(committed, created + 1)])
    schedule = Schedule.build(plan, PlanGraph.build(plan), days.days[created])
    signature_target, go_live_target = schedule.target[signature], schedule.target[go_live]
    assert signature_target is not None and go_live_target is not None
    if rng.random() < PIN_SIGNATURE:
        pinned = dataclasses.replace(milestones[signature], due=signature_target)
        milestones[signature] = pinned
        plan = dataclasses.replace(plan, milestones=tuple(milestones))

    # What really happens.
    actual = [created] * len(milestones)
    started = [created] * len(milestones)
    for i in graph.order:
        started[i] = max((actual[p] for p in graph.preds[i]), default=created)
        finish = started[i] + round(truth[i])
        if i == go_live:
            finish = max(finish, days.of(go_live_target))
        if i == signature and milestones[i].due is not None:
            finish = max(finish, days.of(signature_target))
        actual[i] = min(finish, DAYS - 1)
    return Deal(plan, actual, started, signature, go_live, signature_target, go_live_target)


def as_of(deal: Deal, days: Days, today: int) -> Plan:
    """The plan as its sheet reads on ``today``."""
    milestones = []
    for i, m in enumerate(deal.plan.milestones):
        if m.status is Status.NOT_APPLICABLE:
            milestones.append(m)
        elif deal.actual[i] <= today:
            milestones.append(
                dataclasses.replace(m, status=Status.DONE, completed_on=days.days[deal.actual[i]])
            )
        elif deal.started[i] <= today:
            milestones.append(dataclasses.replace(m, status=Status.IN_PROGRESS))
        else:
            milestones.append(m)
    return dataclasses.replace(
        deal.plan, milestones=tuple(milestones), last_edit_on=days.days[today]
    )


def finished(deal: Deal, days: Days) -> Plan:
    """A past deal as its sheet reads once everything is done."""
    return as_of(deal, days, max(deal.actual))


@dataclass
class Look:
    """A deal seen on a random day of its life, for the deal health's calibration."""

    on_time: bool
    priors: float  # p_on_time
    calibrated: float


def look(deal: Deal, days: Days, calibration: Calibration, rng: random.Random) -> Look | None:
    created = deal.plan.created_on
    assert created is not None
    last = min(deal.actual[deal.go_live], days.of(deal.go_live_target)) - 1
    if last <= days.of(created):
        return None
    today = rng.randint(days.of(created), last)
    plan = as_of(deal, days, today)
    chances = [
        compute_plan(plan, days.days[today], cal).forecast.go_live.p_on_time
        for cal in (None, calibration)
    ]
    on_time = deal.actual[deal.go_live] <= days.of(deal.go_live_target)
    return Look(on_time=on_time, priors=chances[0], calibrated=chances[1])


@dataclass
class Checkpoint:
    slipped: bool  # the signature landed after its target's quarter
    rules: bool
    priors: tuple[bool, float]  # warned, p_in_quarter
    calibrated: tuple[bool, float]


def checkpoint(deal: Deal, days: Days, calibration: Calibration) -> Checkpoint | None:
    """The deal ten business days before its signature's quarter ends, if still unsigned."""
    start_month = deal.plan.quarter_start_month
    end = days.of(quarter_end(deal.signature_target, start_month))
    today = end - WARNING_BD
    created = deal.plan.created_on
    assert created is not None
    if today < days.of(created) or deal.actual[deal.signature] <= today:
        return None
    plan = as_of(deal, days, today)
    results = []
    for cal in (None, calibration):
        computed = compute_plan(plan, days.days[today], cal)
        codes = {r.code for r in computed.risks}
        signature = computed.forecast.signature
        assert signature is not None
        warned = "QUARTER_SLIP" in codes or "SLIP_LIKELY" in codes
        results.append((warned, signature.p_in_quarter))
        rules = "QUARTER_SLIP" in codes or "GO_LIVE_SLIP" in codes
    return Checkpoint(
        slipped=deal.actual[deal.signature] > end,
        rules=rules,
        priors=results[0],
        calibrated=results[1],
    )


# -- figures ------------------------------------------------------------------------------


def rates(warned: Sequence[bool], slipped: Sequence[bool]) -> tuple[float, float, float]:
    """Recall (slips warned of, over slips), false alarms (deals signed in the quarter that
    were warned of, over those deals) and wrong warnings (over warnings)."""
    hits = sum(w and s for w, s in zip(warned, slipped, strict=True))
    false = sum(w and not s for w, s in zip(warned, slipped, strict=True))
    slips = sum(slipped)
    return hits / max(slips, 1), false / max(len(slipped) - slips, 1), false / max(hits + false, 1)


def reliability(predicted: Sequence[float], happened: Sequence[bool]) -> list[str]:
    lines = []
    for low in range(0, 100, 20):
        high = low + 20
        pairs = [
            (p, h)
            for p, h in zip(predicted, happened, strict=True)
            if low <= p * 100 < high or (high == 100 and p == 1.0)
        ]
        if not pairs:
            lines.append(f"    {low:>3}-{high:<3}      0 deals")
            continue
        mean_p = sum(p for p, _ in pairs) / len(pairs)
        freq = sum(h for _, h in pairs) / len(pairs)
        lines.append(
            f"    {low:>3}-{high:<3} {len(pairs):>6} deals  predicted {mean_p:5.2f}  "
            f"happened {freq:5.2f}"
        )
    return lines


def brier(predicted: Sequence[float], happened: Sequence[bool]) -> float:
    return sum((p - h) ** 2 for p, h in zip(predicted, happened, strict=True)) / len(predicted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=3000, help="deals in the pipeline")
    parser.add_argument("--history", type=int, default=400, help="finished deals to calibrate")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    days = Days()
    rng = random.Random(args.seed)
    # History first (the two years before the pipeline), then the pipeline itself.
    history = [make_deal(rng, days, rng.randrange(0, 500)) for _ in range(args.history)]
    calibration = build_calibration(finished(d, days) for d in history)
    pipeline = [make_deal(rng, days, rng.randrange(520, 1500)) for _ in range(args.deals)]
    points = [c for d in pipeline if (c := checkpoint(d, days, calibration)) is not None]
    looks = [x for d in pipeline if (x := look(d, days, calibration, rng)) is not None]

    slipped = [c.slipped for c in points]
    print(
        f"{len(pipeline)} deals, {len(points)} unsigned {WARNING_BD} business days before "
        f"their quarter ends; {sum(slipped)} of those slipped out of the quarter "
        f"({sum(slipped) / len(points):.0%}). Calibration from {calibration.plans} past deals."
    )
    rule_recall, rule_false, rule_wrong = rates([c.rules for c in points], slipped)
    print(
        f"\n{'warning from':<30}{'recall':>8}{'false alarms':>14}{'wrong warnings':>16}"
        f"{'recall, false alarms vs rules':>31}"
    )
    rules = "rules (QUARTER/GO_LIVE_SLIP)"
    print(f"{rules:<30}{rule_recall:>8.1%}{rule_false:>14.1%}{rule_wrong:>16.1%}")
    for name, pick in (("forecast, priors", 0), ("forecast, calibrated", 1)):
        chosen = [(c.priors, c.calibrated)[pick] for c in points]
        recall, false, wrong = rates([w for w, _ in chosen], slipped)
        versus = f"x{recall / max(rule_recall, 1e-9):.2f}, x{false / max(rule_false, 1e-9):.2f}"
        print(f"{name:<30}{recall:>8.1%}{false:>14.1%}{wrong:>16.1%}{versus:>31}")
    print(
        "  recall: slips warned of; false alarms: deals signed in the quarter that were "
        "warned of;\n  wrong warnings: warnings for deals that signed in the quarter after all."
    )
    in_quarter = [not s for s in slipped]
    on_time = [x.on_time for x in looks]
    for name, pick in (("priors", 0), ("calibrated", 1)):
        p_in = [(c.priors, c.calibrated)[pick][1] for c in points]
        p_on = [(x.priors, x.calibrated)[pick] for x in looks]
        print(
            f"\nforecast, {name}: p_in_quarter at the checkpoint, "
            f"Brier {brier(p_in, in_quarter):.3f}"
        )
        print("\n".join(reliability(p_in, in_quarter)))
        print(
            f"forecast, {name}: p_on_time (deal health) on a random day of each deal, "
            f"Brier {brier(p_on, on_time):.3f}"
        )
        print("\n".join(reliability(p_on, on_time)))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
