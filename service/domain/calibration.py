"""Calibration: how long steps took in past plans, compared with their plan.

:func:`build_calibration` reads finished (or partly finished) plans and keeps, per category
and side, the observed ratios of actual to planned duration. A step's actual duration is
the business days from the latest ``completed_on`` of its predecessors (for a step with
none, from the plan's ``created_on``) to its own ``completed_on``; a step is observed only
when all of those dates are known and its lead is not zero. Left out too: a step that
finished on the date it was held to (the go-live on the committed date, a pinned step on
its pin), which may have been ready earlier and waited, so its duration is only a bound;
and a step recorded done no later than the day it could start (a plan written mid-deal,
or a sheet caught up in one sitting), whose work happened before its recorded start. Ratios
are summarised by their logarithms (mean and standard deviation), which is all a
lognormal needs.

:func:`ratio_distribution` mixes a calibration with the priors: the observations of a
category and side count as ``n`` draws, the prior as :data:`PRIOR_WEIGHT` more (a normal
prior on the mean of the logarithm, and the same pooling of variances), so a category
seen twice moves a fifth of the way from the prior and one seen 40 times five sixths.

The JSON form (``Calibration.to_json``) is the file ``python -m service calibrate`` writes:

    {"version": 1, "plans": 42,
     "ratios": [{"category": "legal", "side": "buyer", "n": 37, "median": 1.52,
                 "p80": 2.61, "mean_log": 0.4187, "sd_log": 0.6412}],
     "buyer_pace": {"plans": 40, "var_log": 0.0561}}

``median`` and ``p80`` are the observed ratios for people to read; the engine uses
``n``, ``mean_log`` and ``sd_log``.

Buyers differ, and a slow buyer is slow on every step: ``buyer_pace`` is the variance of
the logarithm shared by one plan's buyer and joint steps, measured as the mean product of
two such steps' deviations (from their category's mean) in the same plan, over the plans
that have two or more. The forecast draws one pace per run for the whole plan, and reads
it from the plan's own finished steps too (see :mod:`service.domain.forecast`). It is
shrunk toward :data:`~service.domain.priors.BUYER_PACE_SIGMA` the same way, a plan with
pairs counting once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from service.domain.calendar import BusinessCalendar
from service.domain.errors import PlanInputError
from service.domain.graph import PlanGraph
from service.domain.model import Category, Plan, Side
from service.domain.priors import BUYER_PACE_SIGMA, LogNormal, prior_ratio

FORMAT_VERSION = 1
# How many observations the prior is worth.
PRIOR_WEIGHT = 8
_DECIMALS = 4
_FIELDS = ("version", "plans", "ratios", "buyer_pace")
_PACE_FIELDS = ("plans", "var_log")
_RATIO_FIELDS = ("category", "side", "n", "median", "p80", "mean_log", "sd_log")

E = TypeVar("E", Category, Side)


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """One step of a past plan: its category, side and actual over planned duration."""

    category: Category
    side: Side
    lead_bd: int
    ratio: float
    # Timed from the plan's created_on (no predecessors), not from a recorded completion.
    from_creation: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioStats:
    category: Category
    side: Side
    n: int
    median: float
    p80: float
    mean_log: float
    sd_log: float

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "side": self.side.value,
            "n": self.n,
            "median": self.median,
            "p80": self.p80,
            "mean_log": self.mean_log,
            "sd_log": self.sd_log,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerPace:
    plans: int  # plans with two or more buyer or joint steps observed
    var_log: float  # may come out below zero (a moment estimate); read as zero

    def to_json(self) -> dict[str, Any]:
        return {"plans": self.plans, "var_log": self.var_log}


NO_PACE = BuyerPace(plans=0, var_log=0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    plans: int  # past plans that gave at least one observation
    ratios: tuple[RatioStats, ...]  # category order, then buyer, seller, joint
    buyer_pace: BuyerPace = NO_PACE

    def stats(self, category: Category, side: Side) -> RatioStats | None:
        for stats in self.ratios:
            if stats.category is category and stats.side is side:
                return stats
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "plans": self.plans,
            "ratios": [r.to_json() for r in self.ratios],
            "buyer_pace": self.buyer_pace.to_json(),
        }

    @classmethod
    def from_json(cls, doc: object, path: str = "") -> Calibration:
        """A calibration from its JSON; PlanInputError naming the field (under ``path``)."""
        at = f"{path}." if path else ""
        obj = _object(doc, path, "a calibration")
        _known_fields(obj, _FIELDS, at)
        if obj.get("version") != FORMAT_VERSION:
            raise PlanInputError(f"{at}version", f"must be {FORMAT_VERSION}")
        plans = _count(obj.get("plans"), f"{at}plans", minimum=0)
        rows = obj.get("ratios")
        if not isinstance(rows, list):
            raise PlanInputError(f"{at}ratios", "must be a list")
        ratios: list[RatioStats] = []
        seen: set[tuple[Category, Side]] = set()
        for i, row in enumerate(rows):
            stats = _ratio_stats(row, f"{at}ratios[{i}]")
            if (stats.category, stats.side) in seen:
                raise PlanInputError(
                    f"{at}ratios[{i}]", f"{stats.category.value}/{stats.side.value} is listed twice"
                )
            seen.add((stats.category, stats.side))
            ratios.append(stats)
        return cls(plans=plans, ratios=tuple(ratios), buyer_pace=_pace(obj.get("buyer_pace"), at))


def duration_observations(
    plan: Plan, graph: PlanGraph | None = None, calendar: BusinessCalendar | None = None
) -> list[Observation]:
    """The steps of ``plan`` whose actual duration is known, as ratios to their lead."""
    graph = graph or PlanGraph.build(plan)
    calendar = calendar or BusinessCalendar.get(plan.country, plan.non_working_days)
    found: list[Observation] = []
    for i in graph.active:
        m = graph.milestones[i]
        if m.completed_on is None or m.lead_bd == 0:
            continue
        held_to = calendar.prev_bd(plan.go_live) if i == graph.go_live else m.due
        if held_to is not None and calendar.next_bd(m.completed_on) == calendar.next_bd(held_to):
            continue  # finished on the date it was held to: it may have waited for it
        starts = [graph.milestones[p].completed_on for p in graph.preds[i]]
        if not starts:
            starts = [plan.created_on]
        if any(s is None for s in starts):
            continue
        start = max(s for s in starts if s is not None)
        actual = calendar.bd_between(start, m.completed_on)
        if actual == 0:
            continue  # recorded done the day it could start, or before: caught up, not timed
        found.append(
            Observation(
                category=m.category,
                side=m.side,
                lead_bd=m.lead_bd,
                ratio=actual / m.lead_bd,
                from_creation=not graph.preds[i],
            )
        )
    return found


def build_calibration(plans: Iterable[Plan]) -> Calibration:
    """The observed ratios of ``plans``, per category and side."""
    per_plan = [duration_observations(plan) for plan in plans]
    return calibration_from(per_plan)


def calibration_from(per_plan: Iterable[list[Observation]]) -> Calibration:
    """A calibration from each past plan's observations (empty lists count for nothing)."""
    plans_seen = [observations for observations in per_plan if observations]
    groups: dict[tuple[Category, Side], list[float]] = {}
    for observations in plans_seen:
        for o in observations:
            groups.setdefault((o.category, o.side), []).append(o.ratio)
    order = {key: n for n, key in enumerate((c, s) for c in Category for s in Side)}
    ratios = tuple(_summary(c, s, groups[(c, s)]) for c, s in sorted(groups, key=order.__getitem__))
    means = {(r.category, r.side): r.mean_log for r in ratios}
    return Calibration(
        plans=len(plans_seen), ratios=ratios, buyer_pace=_buyer_pace(plans_seen, means)
    )


def buyer_pace_sigma(calibration: Calibration | None) -> float:
    """How much buyers differ (the spread of the logarithm of their pace), the prior moved
    toward the calibration's estimate by as many plans as it came from."""
    if calibration is None:
        return BUYER_PACE_SIGMA
    pace, k = calibration.buyer_pace, PRIOR_WEIGHT
    variance = (pace.plans * max(pace.var_log, 0.0) + k * BUYER_PACE_SIGMA**2) / (pace.plans + k)
    return math.sqrt(variance)


def ratio_distribution(
    category: Category, side: Side, lead_bd: int, calibration: Calibration | None
) -> LogNormal:
    """The ratio of a step's actual to planned duration: the prior, moved toward what the
    calibration observed for its category and side by as much as its observations weigh."""
    prior = prior_ratio(category, side, lead_bd)
    stats = None if calibration is None else calibration.stats(category, side)
    if stats is None:
        return prior
    n, k = stats.n, PRIOR_WEIGHT
    mu = (n * stats.mean_log + k * prior.mu) / (n + k)
    variance = ((n - 1) * stats.sd_log**2 + k * prior.sigma**2) / (n - 1 + k)
    return LogNormal(mu=mu, sigma=math.sqrt(variance))


# -- summaries and reading ----------------------------------------------------------


def _buyer_pace(
    plans: list[list[Observation]], means: dict[tuple[Category, Side], float]
) -> BuyerPace:
    """The mean product of two buyer or joint deviations in the same plan."""
    products, pairs, plans_with_pairs = 0.0, 0, 0
    for observations in plans:
        deviations = [
            math.log(o.ratio) - means[(o.category, o.side)]
            for o in observations
            if o.side is not Side.SELLER
        ]
        n = len(deviations)
        if n < 2:
            continue
        total = math.fsum(deviations)
        products += (total * total - math.fsum(d * d for d in deviations)) / 2
        pairs += n * (n - 1) // 2
        plans_with_pairs += 1
    if not pairs:
        return NO_PACE
    return BuyerPace(plans=plans_with_pairs, var_log=round(products / pairs, _DECIMALS))


def _pace(value: object, at: str) -> BuyerPace:
    path = f"{at}buyer_pace"
    obj = _object(value, path, "the buyer pace")
    _known_fields(obj, _PACE_FIELDS, f"{path}.")
    return BuyerPace(
        plans=_count(obj.get("plans"), f"{path}.plans", minimum=0),
        var_log=_number(obj.get("var_log"), f"{path}.var_log"),
    )


def _summary(category: Category, side: Side, ratios: list[float]) -> RatioStats:
    logs = sorted(math.log(r) for r in ratios)
    n = len(logs)
    mean = math.fsum(logs) / n
    variance = math.fsum((x - mean) ** 2 for x in logs) / (n - 1) if n > 1 else 0.0
    return RatioStats(
        category=category,
        side=side,
        n=n,
        median=round(math.exp(_quantile(logs, 0.5)), _DECIMALS),
        p80=round(math.exp(_quantile(logs, 0.8)), _DECIMALS),
        mean_log=round(mean, _DECIMALS),
        sd_log=round(math.sqrt(variance), _DECIMALS),
    )


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the order statistics (numpy's default)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ratio_stats(value: object, path: str) -> RatioStats:
    obj = _object(value, path, "a ratio summary")
    at = f"{path}."
    _known_fields(obj, _RATIO_FIELDS, at)
    return RatioStats(
        category=_member(obj.get("category"), Category, f"{at}category"),
        side=_member(obj.get("side"), Side, f"{at}side"),
        n=_count(obj.get("n"), f"{at}n", minimum=1),
        median=_number(obj.get("median"), f"{at}median", positive=True),
        p80=_number(obj.get("p80"), f"{at}p80", positive=True),
        mean_log=_number(obj.get("mean_log"), f"{at}mean_log"),
        sd_log=_number(obj.get("sd_log"), f"{at}sd_log", nonnegative=True),
    )


def _object(value: object, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PlanInputError(path, f"{what} must be a JSON object")
    return value


def _known_fields(obj: Mapping[str, Any], known: tuple[str, ...], at: str) -> None:
    for key in obj:
        if key not in known:
            raise PlanInputError(f"{at}{key}", f"unknown field; the fields are {', '.join(known)}")
    for key in known:
        if key not in obj:
            raise PlanInputError(f"{at}{key}", "is missing")


def _count(value: object, path: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PlanInputError(path, f"must be a whole number from {minimum}")
    return value


def _number(
    value: object, path: str, *, positive: bool = False, nonnegative: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanInputError(path, "must be a number")
    if positive and value <= 0:
        raise PlanInputError(path, "must be more than 0")
    if nonnegative and value < 0:
        raise PlanInputError(path, "must not be negative")
    return float(value)


def _member(value: object, enum: type[E], path: str) -> E:
    for member in enum:
        if value == member.value:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise PlanInputError(path, f"{value!r} is not one of {allowed}")
