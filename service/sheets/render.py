"""What the backend shows in the computed cells, and in which colours.

Pure presentation of a :class:`ComputedPlan`: the Target/Projected/Health/Risk cells of
each milestone and the computed header fields, each as a :class:`Shown` (value and
colour) under its layout key. The one place that says what a computed cell holds: the
writer and provisioning both turn these into cells (``cells.shown_cell``). No Google
request bodies here (see ``cells.py`` and ``requests.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.domain.model import (
    ComputedPlan,
    Kind,
    Milestone,
    Risk,
    RiskCode,
    most_severe_first,
)

# Background colours (hex) by milestone health; close to Sheets' light palette.
HEALTH_COLOURS = {
    "Done": "#d9ead3",
    "N/A": "#efefef",
    "Blocked": "#f4cccc",
    "Overdue": "#ea9999",
    "At risk": "#fce5cd",
    "Due soon": "#fff2cc",
    "On track": "#ffffff",
}
DEAL_COLOURS = {"Healthy": "#d9ead3", "Watch": "#fff2cc", "At risk": "#f4cccc"}
COMPUTED_BACKGROUND = "#f3f3f3"

# How each risk reads in the Risk column of the milestones it names.
# Every RiskCode has one (a test holds this): the sheet shows words, never a code.
RISK_LABELS: dict[RiskCode, str] = {
    RiskCode.GO_LIVE_SLIP: "Pushes go-live",
    RiskCode.QUARTER_SLIP: "Signature slips into next quarter",
    RiskCode.SLIP_LIKELY: "Signature likely to slip",
    RiskCode.BUYER_MISSED_CONSECUTIVE: "Buyer missed dates in a row",
    RiskCode.ONLY_SELLER_PROGRESS: "Waiting on the buyer",
    RiskCode.CLOSE_DATE_MOVED: "Date moved without a reason",
    RiskCode.MISSING_STAKEHOLDER: "Needs a named person",
    RiskCode.DATE_CONFLICT: "Due is later than the plan allows",
    RiskCode.NEW_STAKEHOLDER: "New stakeholder",
    RiskCode.TEAM_OWNER: "Owner is a team, not a person",
    RiskCode.NO_OWNER: "No owner",
    RiskCode.UNBALANCED_PLAN: "Plan is one-sided",
    RiskCode.STALE_PLAN: "Plan is stale",
    RiskCode.NO_NEXT_STEP: "No next step",
    RiskCode.BUYER_NOT_ENGAGED: "Buyer not engaged",
    RiskCode.PLAN_SIZE: "Plan size",
    RiskCode.VAGUE_DELIVERABLE: "No deliverable",
    RiskCode.INVALID_INPUT: "A cell could not be read (see its note)",
}


# What a cell can show.
Value = str | int | float | date | None


@dataclass(frozen=True)
class Shown:
    """What one computed cell shows: a value on a background colour."""

    value: Value
    background: str = COMPUTED_BACKGROUND


def milestone_cells(computed: ComputedPlan) -> dict[str, dict[str, Shown]]:
    """The computed cells of every milestone: milestone id -> column key -> what it shows
    (one entry per computed column of the layout)."""
    labels: dict[str, list[str]] = {}
    for risk in most_severe_first(computed.risks):
        for milestone_id in risk.milestones:
            labels.setdefault(milestone_id, []).append(RISK_LABELS.get(risk.code, risk.code))
    cells: dict[str, dict[str, Shown]] = {}
    for m in computed.milestones:
        parts = []
        if m.slip_bd > 0:
            parts.append(f"Slips {m.slip_bd} business day{'s' if m.slip_bd != 1 else ''}")
        parts.extend(labels.get(m.id, []))
        cells[m.id] = {
            "target": Shown(m.target),
            "projected": Shown(m.projected),
            "health": Shown(m.health.value, HEALTH_COLOURS.get(m.health.value, "#ffffff")),
            "risk": Shown("; ".join(dict.fromkeys(parts))),
        }
    return cells


def header_cells(
    computed: ComputedPlan,
    milestones: tuple[Milestone, ...],
    *,
    last_review: date | None,
) -> dict[str, Shown]:
    """The computed header fields: header key -> what it shows (one entry per computed
    field of the layout's header block)."""
    return {
        "projected_go_live": Shown(computed.projected_go_live),
        "slip_bd": Shown(computed.slip_bd),
        "health": Shown(
            deal_health_text(computed, milestones),
            DEAL_COLOURS.get(computed.health.label, "#ffffff"),
        ),
        "top_risks": Shown(top_risks_text(computed.risks)),
        "last_review": Shown(last_review),
        "next_step": Shown(next_step_text(computed, milestones)),
    }


def deal_health_text(computed: ComputedPlan, milestones: tuple[Milestone, ...]) -> str:
    """The Deal health cell in words a buyer and a seller both read: the chance of going
    live by the committed date ("62% on time · Watch"), or "Live" once the go-live is done.
    The engine's probability has two decimals, so the cell changes only when the forecast
    moves by a point or more (an unchanged plan rewrites nothing)."""
    if any(m.kind is Kind.GO_LIVE and m.is_done for m in milestones):
        return "Live"
    percent = round(100 * computed.forecast.go_live.p_on_time)
    return f"{percent}% on time · {computed.health.label}"


def top_risks_text(risks: tuple[Risk, ...], limit: int = 3) -> str:
    """The most severe risks in mutual words (the sheet is shared with the buyer: the
    seller's advice, ``Risk.message``, stays in the add-on and the API)."""
    ordered = most_severe_first(risks)[:limit]
    if not ordered:
        return "None."
    return "\n".join(f"• {r.mutual or RISK_LABELS.get(r.code, r.code)}" for r in ordered)


def review_risk_rows(risks: tuple[Risk, ...], on: date) -> list[list[str]]:
    """A weekly review's open risks for the Reviews tab: Review date, Section, Item (the
    risk's label), Detail (the risk in mutual words)."""
    day = on.isoformat()
    rows = [
        [day, "Open risk", RISK_LABELS.get(r.code, r.code), r.mutual]
        for r in most_severe_first(risks)
    ]
    return rows or [[day, "Open risk", "None", ""]]


def next_steps(
    computed: ComputedPlan, milestones: tuple[Milestone, ...], limit: int = 3
) -> list[tuple[Milestone, date]]:
    """The open milestones with the earliest projected dates (what to chase next)."""
    by_id = {m.id: m for m in milestones}
    open_steps = [
        (by_id[c.id], c.projected)
        for c in computed.milestones
        if c.projected is not None and c.id in by_id and by_id[c.id].is_open
    ]
    open_steps.sort(key=lambda pair: pair[1])
    return [(m, d) for m, d in open_steps[:limit] if d is not None]


def next_step_text(computed: ComputedPlan, milestones: tuple[Milestone, ...]) -> str:
    steps = next_steps(computed, milestones, limit=1)
    if not steps:
        return "All steps are done."
    milestone, when = steps[0]
    owner = milestone.owner or "no owner yet"
    return f"{milestone.title} ({owner}), by {when:%b} {when.day}, {when.year}"
