"""Health: of one milestone (from its dates) and of the deal (from its risks)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from service.domain.model import DealHealth, Milestone, MilestoneHealth, Risk, Severity, Status

# What each risk costs the deal's score, out of 100.
RISK_COST = {Severity.HIGH: 25, Severity.MEDIUM: 10, Severity.LOW: 3}
HEALTHY_FROM = 80
WATCH_FROM = 50


def milestone_health(
    milestone: Milestone,
    target: date | None,
    projected: date | None,
    today: date,
    due_soon_until: date,
) -> MilestoneHealth:
    """The first that applies: Done, N/A, Blocked, Overdue, At risk, Due soon, On track.

    ``due_soon_until`` is three business days after ``today``.
    """
    if milestone.is_done:
        return MilestoneHealth.DONE
    if milestone.is_not_applicable or target is None or projected is None:
        return MilestoneHealth.NOT_APPLICABLE
    if milestone.status is Status.BLOCKED:
        return MilestoneHealth.BLOCKED
    if target < today:
        return MilestoneHealth.OVERDUE
    if projected > target:
        return MilestoneHealth.AT_RISK
    if target <= due_soon_until:
        return MilestoneHealth.DUE_SOON
    return MilestoneHealth.ON_TRACK


def deal_health(risks: Iterable[Risk]) -> DealHealth:
    """Score 100 less 25 per high, 10 per medium and 3 per low risk (never below 0)."""
    score = max(0, 100 - sum(RISK_COST[r.severity] for r in risks))
    if score >= HEALTHY_FROM:
        label = "Healthy"
    elif score >= WATCH_FROM:
        label = "Watch"
    else:
        label = "At risk"
    return DealHealth(score=score, label=label)
