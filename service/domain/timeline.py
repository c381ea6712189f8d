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

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from service.domain.calendar import BusinessCalendar
from service.domain.model import ComputedMilestone, ComputedPlan, Milestone, Plan

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
    """The Timeline of ``plan`` as ``computed``: spans in table order and the weeks.

    What it depends on is few values a milestone (its id, title, lead time, whether it
    is N/A, its two dates) and the plan's (calendar, today, the two go-lives); a thread
    gives the very Timeline of its last call when those are equal, as after most edits
    (the next step, ``timeline_write``, then finds it unchanged at a glance)."""
    dates = {m.id: m for m in computed.milestones}
    inputs = (
        plan.country,
        plan.non_working_days,
        computed.today,
        computed.committed_go_live,
        computed.projected_go_live,
        max_weeks,
        tuple(_row_inputs(m, dates.get(m.id)) for m in plan.milestones),
    )
    last = _last
    if last.made is None or last.inputs != inputs:
        last.made, last.inputs = _timeline(inputs, computed), inputs
    return last.made


class _Last(threading.local):
    inputs: tuple[Any, ...] | None = None
    made: Timeline | None = None


_last = _Last()


def _row_inputs(milestone: Milestone, shown: ComputedMilestone | None) -> tuple[Any, ...]:
    if shown is None or milestone.is_not_applicable:
        return (milestone.id, milestone.title, 0, None, None)
    return (milestone.id, milestone.title, max(milestone.lead_bd, 1), shown.target, shown.projected)


def _timeline(inputs: tuple[Any, ...], computed: ComputedPlan) -> Timeline:
    country, non_working_days, _, _, _, max_weeks, rows_in = inputs
    calendar = BusinessCalendar.get(country, non_working_days)
    rows = []
    for milestone_id, title, lead, target_day, projected_day in rows_in:
        target = projected = None
        if lead:
            target = _span(calendar, target_day, lead)
            projected = _span(calendar, projected_day, lead)
        rows.append(TimelineRow(milestone_id, title, target, projected))
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
