"""The planning engine: plain Python (stdlib, ``holidays``, numpy), no I/O, ``today`` a
parameter.

``parse_plan(doc)`` reads a plan document, ``compute(plan, today, calibration=None)``
back-schedules it, projects it from today, forecasts how likely its dates are and scores
its risks; ``ComputedPlan.to_json()`` is the contract's output. ``build_calibration(plans)``
learns from past plans how long steps take. See ``docs/engine.md``.
"""

from service.domain.calibration import Calibration, build_calibration
from service.domain.compute import compute
from service.domain.errors import PlanInputError
from service.domain.model import (
    Category,
    ComputedMilestone,
    ComputedPlan,
    DealHealth,
    Forecast,
    HistoryEntry,
    Kind,
    Milestone,
    MilestoneHealth,
    Plan,
    Risk,
    RiskCode,
    Severity,
    Side,
    Status,
)
from service.domain.parse import parse_plan, parse_status, plan_to_json

__all__ = [
    "Calibration",
    "Category",
    "ComputedMilestone",
    "ComputedPlan",
    "DealHealth",
    "Forecast",
    "HistoryEntry",
    "Kind",
    "Milestone",
    "MilestoneHealth",
    "Plan",
    "PlanInputError",
    "Risk",
    "RiskCode",
    "Severity",
    "Side",
    "Status",
    "build_calibration",
    "compute",
    "parse_plan",
    "parse_status",
    "plan_to_json",
]
