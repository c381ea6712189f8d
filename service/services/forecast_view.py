"""The forecast as the sidebar shows it: the p50/p80 go-live and signature dates, the
steps that carry the risk ("Legal review of the MSA: 60% of the risk"), what to do about
the top one, and what the forecast is based on ("priors" or "42 past plans").

Built from what the last sync stored (the plan and the engine's forecast block); no
Google call, no recompute.
"""

from __future__ import annotations

from typing import Any

from service.domain.model import Category, Milestone, Plan, Side, Status
from service.domain.owners import parse_owner
from service.services.calibrate import basis_words

# What a seller can do to move a buyer's step, by what the step is.
_BUYER_MOVES: dict[Category, str] = {
    Category.LEGAL: "send the redlines early and offer a call between both legal teams",
    Category.SECURITY: "send the security pack now and offer a call with your security lead",
    Category.PROCUREMENT: "ask procurement for their steps and every form they need, today",
    Category.FINANCE: "ask who approves the budget and get them on the calendar",
    Category.EXECUTIVE: "get the executive sponsor's meeting on the calendar",
    Category.TECHNICAL: "offer a working session with your engineers to close it",
    Category.COMMERCIAL: "agree what still stands in the way and settle it on the next call",
}


def forecast_view(plan: Plan, computed: dict[str, Any]) -> dict[str, Any] | None:
    """The sidebar's forecast, or None when the last compute stored none."""
    forecast = computed.get("forecast")
    if not forecast:
        return None
    by_id = {m.id: m for m in plan.milestones}
    basis = forecast.get("basis") or {"kind": "priors", "plans": 0}
    go_live = forecast["go_live"]
    drivers = [
        _driver(by_id.get(d["milestone"]), d["milestone"], d["share"])
        for d in forecast.get("drivers", [])
    ]
    top = by_id.get(drivers[0]["milestone"]) if drivers else None
    signature = forecast.get("signature")
    return {
        "basis": {**basis, "text": basis_words(basis)},
        "go_live": {
            "committed": computed.get("committed_go_live"),
            "p_on_time": go_live["p_on_time"],
            "p50": go_live["p50"],
            "p80": go_live["p80"],
            "text": f"{round(100 * go_live['p_on_time'])}% on time",
        },
        "signature": None
        if signature is None
        else {
            "p_in_quarter": signature["p_in_quarter"],
            "p50": signature["p50"],
            "p80": signature["p80"],
            "text": f"{round(100 * signature['p_in_quarter'])}% in its quarter",
        },
        "drivers": drivers,
        "advice": None if top is None else advice(top),
    }


def advice(m: Milestone) -> str:
    """What to do about the step that carries the most risk."""
    name, email = parse_owner(m.owner)
    who = name or email or ""
    title = f'"{m.title}"'
    if m.status is Status.BLOCKED:
        ask = f"ask {who}" if who else "find out"
        return f"{title} is blocked: {ask} what it waits on, and who can clear it this week."
    if m.side is Side.SELLER:
        owner = f"{who} owns it" if who else "name an owner on your side"
        return f"{title} is on your side: {owner}; commit a date and report progress weekly."
    if m.side is Side.JOINT:
        return (
            f"Book a working session of both teams on {title} and leave with the date it "
            "closes and who signs it off."
        )
    move = _BUYER_MOVES.get(m.category, "ask what could hold it up and settle it now")
    ask = f"Ask {who}" if who else "Ask the buyer who owns it, then ask them"
    return f"{ask} for a committed date on {title}; {move}."


def _driver(m: Milestone | None, milestone_id: str, share: float) -> dict[str, Any]:
    title = m.title if m is not None else milestone_id
    return {
        "milestone": milestone_id,
        "title": title,
        "share": share,
        "text": f"{title}: {round(100 * share)}% of the risk",
    }
