"""GO_LIVE_SLIP: where a go-live slip starts, and how a seller would say it.

The origin is found by walking back from the go-live milestone along the chain that sets
its projected date. From a milestone that is not Done, the walk steps to its predecessor
with the latest projected date (the first in table order if tied) when the milestone is
projected exactly that predecessor's date plus its own lead, and that date is later than
both its target and the next business day; otherwise it stops. Where it stops is a step
completed late, an overdue step, or a pin later than its latest date.
"""

from __future__ import annotations

from service.domain.model import Risk, RiskCode
from service.domain.owners import parse_owner
from service.domain.risks.common import day_at, make_risk
from service.domain.schedule import Schedule
from service.domain.wording import business_days, day_text, titles


def slip_origin(s: Schedule, go_live: int) -> int:
    """The milestone a go-live slip starts from (see the module docstring)."""
    first_possible = s.calendar.next_bd(s.today)
    graph = s.graph
    m = go_live
    while not graph.milestones[m].is_done and graph.preds[m]:
        latest = max(sorted(graph.preds[m]), key=lambda p: day_at(s.projected, p))
        chained = s.calendar.add_bd(day_at(s.projected, latest), graph.milestones[m].lead_bd)
        if not (
            day_at(s.projected, m) == chained
            and chained > day_at(s.target, m)
            and chained > first_possible
        ):
            break
        m = latest
    return m


def go_live_slip(s: Schedule) -> Risk | None:
    go_live = s.graph.go_live
    if s.slip_bd <= 0 or go_live is None:
        return None
    origin = slip_origin(s, go_live)
    return make_risk(
        s,
        RiskCode.GO_LIVE_SLIP,
        [origin],
        _message(s, go_live, origin),
        mutual=_mutual(s, go_live, origin),
    )


def _mutual(s: Schedule, go_live: int, origin: int) -> str:
    """The slip as facts both sides can read: where go-live lands, and why."""
    m = s.graph.milestones[origin]
    name = titles(s.graph.milestones, [origin])
    target, projected = day_at(s.target, origin), day_at(s.projected, origin)
    late = business_days(s.slip[origin])
    lands = "Go-live happened" if s.graph.milestones[go_live].is_done else "Go-live projected"
    head = (
        f"{lands} {day_text(s.projected_go_live)}, {business_days(s.slip_bd)} after the "
        f"committed {day_text(s.plan.go_live)}"
    )
    if origin == go_live:
        if m.is_done:
            return f"{head}."
        return f"{head}: go-live ({name}) is {late} overdue."
    if m.is_done:
        why = f"{name} was done on {day_text(projected)}, {late} late"
    elif origin in s.conflicts or (m.due is not None and projected == target):
        why = (
            f"{name} is pinned to {day_text(target)}, after its latest date, "
            f"{day_text(day_at(s.latest, origin))}"
        )
    elif target < s.today:
        why = f"{name} is {late} overdue"
    else:
        why = f"{name} is projected for {day_text(projected)}, {late} after its target"
    return f"{head}: {why}."


def _message(s: Schedule, go_live: int, origin: int) -> str:
    m = s.graph.milestones[origin]
    name = titles(s.graph.milestones, [origin])
    target, projected = day_at(s.target, origin), day_at(s.projected, origin)
    late = business_days(s.slip[origin])
    committed = day_text(s.plan.go_live)
    if origin == go_live:
        if m.is_done:
            return (
                f"Go-live ({name}) happened on {day_text(projected)}, {late} after the "
                f"committed {committed}: write down why it moved, so the next plan allows "
                "for it."
            )
        return (
            f"Go-live ({name}) is {late} overdue: agree a new go-live date with the buyer "
            "and record why it moved."
        )
    pushes = (
        f"pushes go-live to {day_text(s.projected_go_live)}, {business_days(s.slip_bd)} after "
        f"the committed {committed}"
    )
    if m.is_done:
        return (
            f"{name} was done on {day_text(projected)}, {late} late, and {pushes}: agree with "
            "the buyer how to win the time back on the steps after it, or reset the go-live "
            "date and record why."
        )
    if origin in s.conflicts or (m.due is not None and projected == target):
        latest = day_at(s.latest, origin)
        return (
            f"{name} is pinned to {day_text(target)}, after {day_text(latest)}, the latest date "
            f"that keeps the go-live, and {pushes}: move it to {day_text(latest)} or earlier, or "
            "agree a later go-live with the buyer and record why."
        )
    if target < s.today:
        return (
            f"{name} is {late} overdue and {pushes}: get a firm date for it from "
            f"{_who(m.owner)}, and agree with the buyer how to win the time back or reset the "
            "go-live date."
        )
    return (
        f"{name} is projected for {day_text(projected)}, {late} after its target, and "
        f"{pushes}: agree with the buyer how to win the time back, or reset the go-live date "
        "and record why."
    )


def _who(owner: str) -> str:
    name, email = parse_owner(owner)
    return name or email or "its owner"
