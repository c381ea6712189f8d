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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.domain.calibration import Calibration


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


class RiskCode(StrEnum):
    """Every plan-level risk, in the contract's table order (the sheet adds INVALID_INPUT)."""

    GO_LIVE_SLIP = "GO_LIVE_SLIP"
    QUARTER_SLIP = "QUARTER_SLIP"
    BUYER_MISSED_CONSECUTIVE = "BUYER_MISSED_CONSECUTIVE"
    ONLY_SELLER_PROGRESS = "ONLY_SELLER_PROGRESS"
    CLOSE_DATE_MOVED = "CLOSE_DATE_MOVED"
    MISSING_STAKEHOLDER = "MISSING_STAKEHOLDER"
    DATE_CONFLICT = "DATE_CONFLICT"
    NEW_STAKEHOLDER = "NEW_STAKEHOLDER"
    TEAM_OWNER = "TEAM_OWNER"
    NO_OWNER = "NO_OWNER"
    UNBALANCED_PLAN = "UNBALANCED_PLAN"
    STALE_PLAN = "STALE_PLAN"
    NO_NEXT_STEP = "NO_NEXT_STEP"
    BUYER_NOT_ENGAGED = "BUYER_NOT_ENGAGED"
    PLAN_SIZE = "PLAN_SIZE"
    VAGUE_DELIVERABLE = "VAGUE_DELIVERABLE"
    SLIP_LIKELY = "SLIP_LIKELY"
    INVALID_INPUT = "INVALID_INPUT"


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
        status = self.status
        return status is Status.DONE or (
            self.completed_on is not None and status is not Status.NOT_APPLICABLE
        )

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
    # Observed durations of past plans; compute() uses it unless given another.
    calibration: Calibration | None = None


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
    code: RiskCode
    severity: Severity
    message: str
    milestones: tuple[str, ...] = ()
    # The same risk in mutual words, for the sheet both sides read: the facts, no advice
    # to either side. Not part of the contract's output (``message`` is the seller's).
    mutual: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
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


class BasisKind(StrEnum):
    PRIORS = "priors"
    CALIBRATED = "calibrated"


@dataclass(frozen=True, slots=True, kw_only=True)
class GoLiveForecast:
    p_on_time: float  # P(go-live done by its target), two decimals
    p50: date
    p80: date

    def to_json(self) -> dict[str, Any]:
        return {"p_on_time": self.p_on_time, "p50": _iso(self.p50), "p80": _iso(self.p80)}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureForecast:
    p_in_quarter: float  # P(signed by the end of its target's quarter), two decimals
    p50: date
    p80: date
    quarter_end: date  # the last day of the target's quarter (not in the JSON)
    # P(signed within the quarter holding today), two decimals: the pipeline's roll-up
    # (not in the JSON). A signature done in an earlier quarter counts 0.
    p_this_quarter: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"p_in_quarter": self.p_in_quarter, "p50": _iso(self.p50), "p80": _iso(self.p80)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Driver:
    milestone: str  # id
    share: float  # of the go-live risk, two decimals

    def to_json(self) -> dict[str, Any]:
        return {"milestone": self.milestone, "share": self.share}


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastBasis:
    kind: BasisKind
    plans: int  # past plans the calibration came from; 0 for priors

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "plans": self.plans}


@dataclass(frozen=True, slots=True, kw_only=True)
class Forecast:
    go_live: GoLiveForecast
    signature: SignatureForecast | None
    drivers: tuple[Driver, ...]
    basis: ForecastBasis
    # The signature's own drivers (ids, most first): named by SLIP_LIKELY, not in the JSON.
    signature_drivers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "go_live": self.go_live.to_json(),
            "signature": None if self.signature is None else self.signature.to_json(),
            "drivers": [d.to_json() for d in self.drivers],
            "basis": self.basis.to_json(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputedPlan:
    today: date
    committed_go_live: date
    projected_go_live: date
    slip_bd: int
    health: DealHealth
    forecast: Forecast
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
            "forecast": self.forecast.to_json(),
            "milestones": [m.to_json() for m in self.milestones],
            "risks": [r.to_json() for r in self.risks],
        }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
