"""``compute(plan, today)``: everything the engine derives from a plan for one day."""

from __future__ import annotations

from datetime import date

from service.domain.calendar import MAX_YEAR, MIN_YEAR, CalendarRangeError, UnknownCountryError
from service.domain.calibration import Calibration
from service.domain.errors import PlanInputError
from service.domain.forecast_memo import forecast as forecast_of
from service.domain.graph import PlanGraph
from service.domain.health import deal_health, milestone_health
from service.domain.model import ComputedMilestone, ComputedPlan, Plan
from service.domain.risks import plan_risks
from service.domain.schedule import Schedule


def compute(plan: Plan, today: date, calibration: Calibration | None = None) -> ComputedPlan:
    """Targets, projections, forecast, health and risks of ``plan`` as seen on ``today``.

    ``calibration`` (observed durations of past plans) replaces the one the plan carries,
    if any; without either, the forecast uses the built-in priors.

    Raises PlanInputError when the plan's structure breaks the contract (duplicate or
    unknown ids, a cycle, two go-live milestones) or its dates run off the calendar.
    """
    graph = PlanGraph.build(plan)
    try:
        schedule = Schedule.build(plan, graph, today)
        forecast = forecast_of(schedule, calibration or plan.calibration)
        risks = plan_risks(schedule, forecast)
        due_soon_until = schedule.calendar.add_bd(today, 3)
    except UnknownCountryError:
        raise PlanInputError(
            "country", f"{plan.country!r} is not a country code we know; use one such as US or GB"
        ) from None
    except CalendarRangeError:
        raise PlanInputError(
            "milestones",
            f"the schedule runs outside the years {MIN_YEAR}-{MAX_YEAR}; "
            "check go_live and the lead_bd values",
        ) from None
    milestones = tuple(
        ComputedMilestone(
            id=m.id,
            target=schedule.target[i],
            projected=schedule.projected[i],
            health=milestone_health(
                m, schedule.target[i], schedule.projected[i], today, due_soon_until
            ),
            slip_bd=schedule.slip[i],
        )
        for i, m in enumerate(plan.milestones)
    )
    return ComputedPlan(
        today=today,
        committed_go_live=plan.go_live,
        projected_go_live=schedule.projected_go_live,
        slip_bd=schedule.slip_bd,
        health=deal_health(forecast.go_live.p_on_time),
        forecast=forecast,
        milestones=milestones,
        risks=risks,
    )
