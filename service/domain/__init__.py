"""The planning engine: plain Python (stdlib and ``holidays``), no I/O, ``today`` a parameter.

``parse_plan(doc)`` reads a plan document, ``compute(plan, today)`` back-schedules it,
projects it from today and scores its risks; ``ComputedPlan.to_json()`` is the
contract's output. See ``docs/engine.md``.
"""

from service.domain.compute import compute
from service.domain.errors import PlanInputError
from service.domain.model import (
    Category,
    ComputedMilestone,
    ComputedPlan,
    DealHealth,
    HistoryEntry,
    Kind,
    Milestone,
    MilestoneHealth,
    Plan,
    Risk,
    Severity,
    Side,
    Status,
)
from service.domain.parse import parse_plan, parse_status, plan_to_json

__all__ = [
    "Category",
    "ComputedMilestone",
    "ComputedPlan",
    "DealHealth",
    "HistoryEntry",
    "Kind",
    "Milestone",
    "MilestoneHealth",
    "Plan",
    "PlanInputError",
    "Risk",
    "Severity",
    "Side",
    "Status",
    "compute",
    "parse_plan",
    "parse_status",
    "plan_to_json",
]
