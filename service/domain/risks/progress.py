"""Rules about dates and progress: slips, missed steps, moved dates, silence.

Each rule is a function of the schedule returning at most one risk (see
:mod:`service.domain.risks`); SLIP_LIKELY also reads the forecast.
"""

from __future__ import annotations

import itertools

from service.domain.forecast import SLIP_LIKELY_BELOW
from service.domain.model import Forecast, Kind, Risk, RiskCode, Severity, Side, Status
from service.domain.risks.common import (
    day_at,
    field_name,
    make_risk,
    names,
    open_rows,
    side_of,
)
from service.domain.schedule import Schedule, quarter_index
from service.domain.wording import day_text, is_are

_CLOSE_DATE_FIELDS = ("go_live", "signature")


def quarter_slip(s: Schedule) -> Risk | None:
    q = s.plan.quarter_start_month
    found = [
        i
        for i in open_rows(s)
        if s.graph.milestones[i].kind is Kind.SIGNATURE
        and quarter_index(day_at(s.projected, i), q) > quarter_index(day_at(s.target, i), q)
    ]
    if not found:
        return None
    projected, target = (
        day_text(day_at(s.projected, found[0])),
        day_text(day_at(s.target, found[0])),
    )
    return make_risk(
        s, RiskCode.QUARTER_SLIP, found,
        f"The signature ({names(s, found)}) is now projected for {projected}, a quarter later "
        f"than its {target} target: escalate with the buyer's sponsor to pull it back into the "
        "quarter, or update your forecast.",
        mutual=f"The signature ({names(s, found)}) is projected for {projected}, a quarter later "
        f"than its {target} target.",
    )  # fmt: skip


def buyer_missed_consecutive(s: Schedule) -> Risk | None:
    # Neighbours among the buyer's own steps: our steps between them do not break the run.
    buyer_rows = [i for i in s.graph.active if side_of(s, i) is Side.BUYER]
    pairs: dict[int, None] = {}
    for a, b in itertools.pairwise(buyer_rows):
        if _missed(s, a) and _missed(s, b):
            pairs[a] = pairs[b] = None
    found = list(pairs)
    if not found:
        return None
    return make_risk(
        s, RiskCode.BUYER_MISSED_CONSECUTIVE, found,
        f"The buyer has missed {len(found)} steps in a row ({names(s, found)}): call your "
        "champion to find out what is blocking them and agree new dates.",
        mutual=f"{len(found)} of the buyer's steps in a row are past their dates "
        f"({names(s, found)}).",
    )  # fmt: skip


def only_seller_progress(s: Schedule) -> Risk | None:
    done = [i for i in s.graph.active if s.graph.milestones[i].is_done]
    seller_done = sum(1 for i in done if side_of(s, i) is Side.SELLER)
    buyer_done = any(side_of(s, i) is Side.BUYER for i in done)
    overdue = [
        i for i in open_rows(s) if side_of(s, i) is Side.BUYER and day_at(s.target, i) < s.today
    ]
    if seller_done < 2 or buyer_done or not overdue:
        return None
    return make_risk(
        s, RiskCode.ONLY_SELLER_PROGRESS, overdue,
        f"Only our side is moving: {seller_done} of our steps are done, none of the buyer's, "
        f"and {names(s, overdue)} {is_are(overdue)} overdue: ask your champion to commit to a "
        "date for the buyer's next step.",
        mutual=f"{seller_done} of the seller's steps are done and none of the buyer's; "
        f"{names(s, overdue)} {is_are(overdue)} overdue.",
    )  # fmt: skip


def close_date_moved(s: Schedule) -> Risk | None:
    moves = [
        field_name(h.field)
        for h in s.plan.history
        if field_name(h.field) in _CLOSE_DATE_FIELDS and not h.reason.strip()
    ]
    if len(moves) < 2:
        return None
    concerned: set[int] = set()
    if "go_live" in moves and s.graph.go_live is not None:
        concerned.add(s.graph.go_live)
    if "signature" in moves:
        concerned.update(i for i in s.graph.active if s.graph.milestones[i].kind is Kind.SIGNATURE)
    return make_risk(
        s, RiskCode.CLOSE_DATE_MOVED, sorted(concerned),
        f"The go-live or signature date has moved {len(moves)} times without a reason: write "
        "down why it moved and confirm the new date with the buyer's decision maker.",
        mutual=f"The go-live or signature date has moved {len(moves)} times with no reason "
        "given (see the Reason column in History).",
    )  # fmt: skip


def date_conflict(s: Schedule) -> Risk | None:
    found = list(s.conflicts)
    if not found:
        return None
    listed = names(s, found)
    if len(found) > 1:
        return make_risk(
            s, RiskCode.DATE_CONFLICT, found,
            f"{listed} are due later than the go-live allows: move their due dates earlier or "
            "agree a later go-live.",
            mutual=f"{listed} are due later than the latest dates that keep the go-live.",
        )  # fmt: skip
    due, latest = s.graph.milestones[found[0]].due, day_at(s.latest, found[0])
    assert due is not None
    return make_risk(
        s, RiskCode.DATE_CONFLICT, found,
        f"{listed} is due {day_text(due)}, after {day_text(latest)}, the latest date that still "
        "makes the go-live: move it earlier or agree a later go-live.",
        mutual=f"{listed} is due {day_text(due)}, after {day_text(latest)}, the latest date "
        "that keeps the go-live.",
    )  # fmt: skip


def stale_plan(s: Schedule) -> Risk | None:
    plan = s.plan
    dates = (plan.last_edit_on, plan.last_buyer_edit_on, plan.last_reviewed_on, plan.created_on)
    touched = [d for d in dates if d is not None]
    if not touched:
        return None
    last = max(touched)
    days = (s.today - last).days
    if days < 14:
        return None
    # Worded by the date, not by a count of days, so an unchanged plan's Risks cell reads
    # the same from one day to the next and the daily rollover writes nothing.
    return make_risk(
        s, RiskCode.STALE_PLAN, [],
        f"No edit since {day_text(last)}: review the plan with the buyer this week and "
        "bring the dates and statuses up to date.",
        mutual=f"No edit since {day_text(last)}.",
        severity=Severity.HIGH if days >= 21 else Severity.MEDIUM,
    )  # fmt: skip


def no_next_step(s: Schedule) -> Risk | None:
    rows = open_rows(s)
    if not rows:
        return None
    if any(s.graph.milestones[i].status is Status.IN_PROGRESS for i in rows):
        return None  # a step being worked on is a next step, whatever its date
    horizon = s.calendar.add_bd(s.today, 10)
    if any(s.today <= day_at(s.target, i) <= horizon for i in rows):
        return None
    return make_risk(
        s, RiskCode.NO_NEXT_STEP, [],
        "Nothing in the plan is in progress or due in the next 10 business days: agree the "
        "next step and its date with the buyer now.",
        mutual="Nothing in the plan is in progress or due in the next 10 business days.",
    )  # fmt: skip


def buyer_not_engaged(s: Schedule) -> Risk | None:
    shared_on, last_edit = s.plan.shared_on, s.plan.last_buyer_edit_on
    if shared_on is None or (s.today - shared_on).days < 10:
        return None
    if last_edit is not None and last_edit >= shared_on:
        return None
    return make_risk(
        s, RiskCode.BUYER_NOT_ENGAGED, [],
        f"The buyer has not edited the plan since you shared it on {day_text(shared_on)}: "
        "walk your champion through it and ask them to update the buyer's steps.",
        mutual=f"The buyer's side has not edited the plan since it was shared on "
        f"{day_text(shared_on)}.",
    )  # fmt: skip


def _missed(s: Schedule, i: int) -> bool:
    m, target = s.graph.milestones[i], day_at(s.target, i)
    if m.is_done:
        return m.completed_on is not None and m.completed_on > target
    return target < s.today


def slip_likely(s: Schedule, forecast: Forecast, quarter_slip_fired: bool) -> Risk | None:
    """SLIP_LIKELY: the open signature is more likely than not to miss its quarter, though
    its projected date (every step on its lead) still makes it."""
    sig = forecast.signature
    if sig is None or quarter_slip_fired or sig.p_in_quarter >= SLIP_LIKELY_BELOW:
        return None
    row = next(
        i for i in s.graph.active if s.graph.milestones[i].kind is Kind.SIGNATURE
    )  # the one the forecast is about: the first in table order
    if s.graph.milestones[row].is_done:
        return None
    percent = round(sig.p_in_quarter * 100)
    by_id = {m.id: i for i, m in enumerate(s.graph.milestones)}
    drivers = [by_id[d] for d in forecast.signature_drivers if by_id[d] != row]
    because = f", mostly because of {names(s, drivers)}" if drivers else ""
    return make_risk(
        s, RiskCode.SLIP_LIKELY, [row],
        f"The signature ({names(s, [row])}) has only a {percent}% chance of landing by "
        f"{day_text(sig.quarter_end)}, the end of its quarter{because}: agree firm dates for "
        "the buyer's remaining steps now, or take the deal out of this quarter's commit.",
        mutual=f"The signature ({names(s, [row])}) has a {percent}% chance of landing by "
        f"{day_text(sig.quarter_end)}{because}.",
    )  # fmt: skip
