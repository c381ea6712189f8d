"""Health: of one milestone (from its dates) and of the deal (from its forecast)."""

from __future__ import annotations

from datetime import date

from service.domain.model import DealHealth, Milestone, MilestoneHealth, Status

HEALTHY_FROM = 70
WATCH_FROM = 40


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


def deal_health(p_on_time: float) -> DealHealth:
    """The chance of going live on time, out of 100: "Healthy" from 70, "Watch" from 40.

    The score is a calibrated probability: of the plans scored 70, about 70% go live on
    time. It does not count risks; they say what to do, the score how likely it is to work.
    """
    score = round(100 * p_on_time)
    if score >= HEALTHY_FROM:
        label = "Healthy"
    elif score >= WATCH_FROM:
        label = "Watch"
    else:
        label = "At risk"
    return DealHealth(score=score, label=label)
