"""What every risk rule uses: severities, building a risk, and reading the schedule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from service.domain.model import Risk, RiskCode, Severity, Side
from service.domain.schedule import Schedule
from service.domain.wording import titles

SEVERITY = {
    RiskCode.GO_LIVE_SLIP: Severity.HIGH,
    RiskCode.QUARTER_SLIP: Severity.HIGH,
    RiskCode.BUYER_MISSED_CONSECUTIVE: Severity.HIGH,
    RiskCode.ONLY_SELLER_PROGRESS: Severity.HIGH,
    RiskCode.CLOSE_DATE_MOVED: Severity.HIGH,
    RiskCode.MISSING_STAKEHOLDER: Severity.HIGH,
    RiskCode.DATE_CONFLICT: Severity.MEDIUM,
    RiskCode.NEW_STAKEHOLDER: Severity.MEDIUM,
    RiskCode.TEAM_OWNER: Severity.MEDIUM,
    RiskCode.NO_OWNER: Severity.MEDIUM,
    RiskCode.UNBALANCED_PLAN: Severity.MEDIUM,
    RiskCode.STALE_PLAN: Severity.MEDIUM,  # high from 21 days
    RiskCode.NO_NEXT_STEP: Severity.MEDIUM,
    RiskCode.BUYER_NOT_ENGAGED: Severity.MEDIUM,
    RiskCode.PLAN_SIZE: Severity.LOW,
    RiskCode.VAGUE_DELIVERABLE: Severity.LOW,
    RiskCode.SLIP_LIKELY: Severity.HIGH,
    RiskCode.INVALID_INPUT: Severity.LOW,
}


def make_risk(
    s: Schedule,
    code: RiskCode,
    rows: Iterable[int],
    message: str,
    severity: Severity | None = None,
    *,
    mutual: str,
) -> Risk:
    """A risk: ``message`` in the seller's words (what is wrong, what to do), ``mutual``
    the same facts in words for both sides (no advice), for the shared sheet."""
    return Risk(
        code=code,
        severity=severity or SEVERITY[code],
        message=message,
        milestones=tuple(s.graph.milestones[i].id for i in rows),
        mutual=mutual,
    )


def names(s: Schedule, rows: Iterable[int]) -> str:
    return titles(s.graph.milestones, rows)


def it_each(rows: Sequence[int]) -> str:
    return "it" if len(rows) == 1 else "each"


def open_rows(s: Schedule) -> list[int]:
    """Milestones neither Done nor N/A, in table order."""
    return list(s.graph.open)


def side_of(s: Schedule, i: int) -> Side:
    return s.graph.milestones[i].side


def day_at(days: list[date | None], i: int) -> date:
    day = days[i]
    assert day is not None  # only asked for milestones that are not N/A
    return day


def field_name(text: str) -> str:
    return "_".join(text.strip().casefold().replace("-", " ").split())
