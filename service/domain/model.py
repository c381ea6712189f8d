"""The plan and the computed plan: frozen value objects and the words they use.

A :class:`Plan` is what people wrote (the plan document of the plan contract); a
:class:`ComputedPlan` is what the engine derives from it for one day. Both are plain
data: no behaviour beyond turning the computed plan into the contract's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Side(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    JOINT = "joint"


class Status(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    DONE = "Done"
    BLOCKED = "Blocked"
    NOT_APPLICABLE = "N/A"


class Category(StrEnum):
    COMMERCIAL = "commercial"
    TECHNICAL = "technical"
    SECURITY = "security"
    LEGAL = "legal"
    PROCUREMENT = "procurement"
    FINANCE = "finance"
    EXECUTIVE = "executive"
    IMPLEMENTATION = "implementation"
    TRAINING = "training"
    GO_LIVE = "go_live"
    OTHER = "other"


class Kind(StrEnum):
    SIGNATURE = "signature"
    GO_LIVE = "go_live"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class MilestoneHealth(StrEnum):
    DONE = "Done"
    NOT_APPLICABLE = "N/A"
    BLOCKED = "Blocked"
    OVERDUE = "Overdue"
    AT_RISK = "At risk"
    DUE_SOON = "Due soon"
    ON_TRACK = "On track"


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    id: str
    title: str
    side: Side = Side.SELLER
    owner: str = ""
    category: Category = Category.OTHER
    kind: Kind | None = None
    lead_bd: int = 5
    # None: the previous milestone in table order; (): no predecessor.
    depends_on: tuple[str, ...] | None = None
    due: date | None = None
    status: Status = Status.NOT_STARTED
    completed_on: date | None = None
    deliverable: str = ""
    notes: str = ""

    @property
    def is_not_applicable(self) -> bool:
        return self.status is Status.NOT_APPLICABLE

    @property
    def is_done(self) -> bool:
        """Done by status or by a completion date; an N/A milestone is never done."""
        if self.is_not_applicable:
            return False
        return self.status is Status.DONE or self.completed_on is not None

    @property
    def is_open(self) -> bool:
        return not self.is_done and not self.is_not_applicable


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    on: date
    field: str
    old: str | None = None
    new: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    go_live: date
    milestones: tuple[Milestone, ...]
    account: str = ""
    outcome: str = ""
    country: str = "US"
    non_working_days: tuple[date, ...] = ()
    quarter_start_month: int = 1
    created_on: date | None = None
    shared_on: date | None = None
    last_edit_on: date | None = None
    last_buyer_edit_on: date | None = None
    last_reviewed_on: date | None = None
    known_owners: tuple[str, ...] | None = None
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputedMilestone:
    id: str
    target: date | None
    projected: date | None
    health: MilestoneHealth
    slip_bd: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": _iso(self.target),
            "projected": _iso(self.projected),
            "health": self.health.value,
            "slip_bd": self.slip_bd,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Risk:
    code: str
    severity: Severity
    message: str
    milestones: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "milestones": list(self.milestones),
        }


_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


def most_severe_first(risks: Iterable[Risk]) -> tuple[Risk, ...]:
    """``risks`` high, then medium, then low; risks of one severity keep their order."""
    return tuple(sorted(risks, key=lambda r: _SEVERITY_RANK[r.severity]))


@dataclass(frozen=True, slots=True, kw_only=True)
class DealHealth:
    score: int
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "label": self.label}


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputedPlan:
    today: date
    committed_go_live: date
    projected_go_live: date
    slip_bd: int
    health: DealHealth
    milestones: tuple[ComputedMilestone, ...]
    risks: tuple[Risk, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The contract's output document, keys in the contract's order."""
        return {
            "today": self.today.isoformat(),
            "committed_go_live": self.committed_go_live.isoformat(),
            "projected_go_live": self.projected_go_live.isoformat(),
            "slip_bd": self.slip_bd,
            "health": self.health.to_json(),
            "milestones": [m.to_json() for m in self.milestones],
            "risks": [r.to_json() for r in self.risks],
        }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
