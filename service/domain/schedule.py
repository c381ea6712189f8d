"""Dates: back-scheduled targets from the go-live date, and projections forward from today.

Targets are as late as possible: the go-live milestone on the go-live date (moved back
to a business day), every milestone before it ``lead_bd`` business days ahead of the
earliest successor that needs it, milestones after go-live ``lead_bd`` business days
after the latest of their predecessors. A pinned ``due`` overrides the target; a pin
later than the latest date that still makes the go-live is a date conflict.

Projections run forward from today in dependency order: an open milestone cannot
finish before its target, before the next business day, or before ``lead_bd``
business days after its latest predecessor is projected to finish.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from service.domain.calendar import BusinessCalendar
from service.domain.graph import PlanGraph
from service.domain.model import Plan


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every date of a plan for one day. Lists are indexed by table position; N/A
    milestones have None (and slip 0)."""

    plan: Plan
    graph: PlanGraph
    calendar: BusinessCalendar
    today: date
    latest: list[date | None]
    target: list[date | None]
    projected: list[date | None]
    slip: list[int]
    conflicts: tuple[int, ...]  # pinned later than their latest date, table order
    go_live_target: date
    projected_go_live: date
    slip_bd: int

    @classmethod
    def build(cls, plan: Plan, graph: PlanGraph, today: date) -> Schedule:
        calendar = BusinessCalendar.get(plan.country, plan.non_working_days)
        latest, target = _targets(plan, graph, calendar)
        projected, slip = _projections(graph, calendar, target, today)
        go_live_target = calendar.prev_bd(plan.go_live)
        go_live = graph.go_live
        projected_go_live = go_live_target
        slip_bd = 0
        if go_live is not None:
            projected_go_live = projected[go_live] or go_live_target
            slip_bd = slip[go_live]
        conflicts = tuple(
            i
            for i in graph.active
            if graph.milestones[i].due is not None
            and i != go_live
            and not graph.after[i]
            and _later(target[i], latest[i])
        )
        return cls(
            plan=plan,
            graph=graph,
            calendar=calendar,
            today=today,
            latest=latest,
            target=target,
            projected=projected,
            slip=slip,
            conflicts=conflicts,
            go_live_target=go_live_target,
            projected_go_live=projected_go_live,
            slip_bd=slip_bd,
        )


def _targets(
    plan: Plan, graph: PlanGraph, calendar: BusinessCalendar
) -> tuple[list[date | None], list[date | None]]:
    milestones, after, go_live = graph.milestones, graph.after, graph.go_live
    n = len(milestones)
    latest: list[date | None] = [None] * n
    target: list[date | None] = [None] * n
    if go_live is None:
        return latest, target
    go_live_target = calendar.prev_bd(plan.go_live)
    latest[go_live] = target[go_live] = go_live_target  # its own due is ignored

    # Before go-live: backward, each milestone after all of its successors.
    for i in reversed(graph.order):
        if i == go_live or after[i]:
            continue
        earliest: date | None = None
        for s in graph.succs[i]:
            if after[s]:
                continue
            t = target[s]
            assert t is not None
            need = calendar.sub_bd(t, milestones[s].lead_bd)
            if earliest is None or need < earliest:
                earliest = need
        latest[i] = earliest if earliest is not None else go_live_target
        due = milestones[i].due
        target[i] = latest[i] if due is None else calendar.next_bd(due)

    # After go-live: forward from the go-live milestone.
    for i in graph.order:
        if not after[i]:
            continue
        lead = milestones[i].lead_bd
        finish: date | None = None
        for p in graph.preds[i]:
            t = target[p]
            if (p == go_live or after[p]) and t is not None:
                candidate = calendar.add_bd(t, lead)
                if finish is None or candidate > finish:
                    finish = candidate
        latest[i] = finish
        due = milestones[i].due
        target[i] = finish if due is None else calendar.next_bd(due)
    return latest, target


def _projections(
    graph: PlanGraph, calendar: BusinessCalendar, target: list[date | None], today: date
) -> tuple[list[date | None], list[int]]:
    milestones = graph.milestones
    n = len(milestones)
    projected: list[date | None] = [None] * n
    slip = [0] * n
    first_possible = calendar.next_bd(today)
    for i in graph.order:
        m = milestones[i]
        t = target[i]
        assert t is not None
        if m.is_done:
            p = m.completed_on if m.completed_on is not None else min(t, first_possible)
        else:
            p = max(t, first_possible)
            preds = graph.preds[i]
            if preds:
                ready = max(_known(projected[q]) for q in preds)
                p = max(p, calendar.add_bd(ready, m.lead_bd))
        projected[i] = p
        slip[i] = calendar.bd_between(t, p)
    return projected, slip


def _known(day: date | None) -> date:
    assert day is not None  # predecessors are projected first
    return day


def _later(a: date | None, b: date | None) -> bool:
    return a is not None and b is not None and a > b


def quarter_index(day: date, start_month: int) -> int:
    """A number that grows by one with each quarter (quarters begin at ``start_month``)."""
    return (day.year * 12 + day.month - start_month) // 3


def quarter_end(day: date, start_month: int) -> date:
    """The last calendar day of the quarter holding ``day``."""
    months = (quarter_index(day, start_month) + 1) * 3 + start_month - 1  # next quarter, 0-based
    return date(months // 12, months % 12 + 1, 1) - timedelta(days=1)
