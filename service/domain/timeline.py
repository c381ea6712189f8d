"""The Timeline: each milestone's target and projected spans, over business weeks.

Pure data for the Timeline tab (the sheet draws the bars with conditional formatting
from the dates computed here). A milestone's span ends on its date (target or
projected) and starts ``lead_bd`` business days before, counting the end day: the
business days the plan gives its work. A Done milestone's projected span ends on its
completion date. An N/A milestone, or one without a date, has no span.

The weeks run Monday to Friday, from the week of the earliest span's start (or today's
week, if earlier: where the plan stands is always in sight) to the week of the later of
the committed and projected go-live, at most :data:`MAX_WEEKS` of them (a year): a
longer plan keeps its last weeks (the go-live and the months before it), and spans that
begin earlier are cut at the first week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from service.domain.calendar import BusinessCalendar
from service.domain.model import ComputedPlan, Plan

# At most one year of week columns on the tab.
MAX_WEEKS = 52


@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class TimelineRow:
    milestone_id: str
    title: str
    target: Span | None
    projected: Span | None


@dataclass(frozen=True, slots=True)
class Timeline:
    rows: tuple[TimelineRow, ...]  # one per milestone, in the plan's (table) order
    weeks: tuple[date, ...]  # the Monday of each week shown, ascending
    committed_go_live: date
    projected_go_live: date


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def timeline(plan: Plan, computed: ComputedPlan, *, max_weeks: int = MAX_WEEKS) -> Timeline:
    """The Timeline of ``plan`` as ``computed``: spans in table order and the weeks."""
    calendar = BusinessCalendar.get(plan.country, plan.non_working_days)
    dates = {m.id: m for m in computed.milestones}
    rows = []
    for milestone in plan.milestones:
        shown = dates.get(milestone.id)
        lead = max(milestone.lead_bd, 1)
        target = projected = None
        if shown is not None and not milestone.is_not_applicable:
            target = _span(calendar, shown.target, lead)
            projected = _span(calendar, shown.projected, lead)
        rows.append(TimelineRow(milestone.id, milestone.title, target, projected))
    return Timeline(
        rows=tuple(rows),
        weeks=_weeks(rows, computed, max_weeks),
        committed_go_live=computed.committed_go_live,
        projected_go_live=computed.projected_go_live,
    )


def _span(calendar: BusinessCalendar, end: date | None, lead: int) -> Span | None:
    if end is None:
        return None
    return Span(min(calendar.sub_bd(end, lead - 1), end), end)


def _weeks(rows: list[TimelineRow], computed: ComputedPlan, max_weeks: int) -> tuple[date, ...]:
    last = monday_of(max(computed.committed_go_live, computed.projected_go_live))
    starts = [s.start for r in rows for s in (r.target, r.projected) if s is not None]
    first = min(monday_of(min([*starts, computed.today])), last)
    count = min((last - first).days // 7 + 1, max(max_weeks, 1))
    return tuple(last - timedelta(weeks=count - 1 - i) for i in range(count))
