"""The plan-level risks: one rule per code, each a function of the schedule.

Every rule returns at most one :class:`Risk` naming every milestone it concerns, with a
message a seller could say out loud: what is wrong, then what to do about it. "Open"
means neither Done nor N/A. The sheet layer adds INVALID_INPUT (see
:func:`invalid_input_risk`) for cells it could not read.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from service.domain.health import deal_health
from service.domain.model import (
    Category,
    ComputedPlan,
    Kind,
    Risk,
    Severity,
    Side,
    most_severe_first,
)
from service.domain.owners import is_person, owner_key
from service.domain.schedule import Schedule
from service.domain.wording import business_days, day_text, has_have, is_are, titles

SEVERITY = {
    "GO_LIVE_SLIP": Severity.HIGH,
    "QUARTER_SLIP": Severity.HIGH,
    "BUYER_MISSED_CONSECUTIVE": Severity.HIGH,
    "ONLY_SELLER_PROGRESS": Severity.HIGH,
    "CLOSE_DATE_MOVED": Severity.HIGH,
    "MISSING_STAKEHOLDER": Severity.HIGH,
    "DATE_CONFLICT": Severity.MEDIUM,
    "NEW_STAKEHOLDER": Severity.MEDIUM,
    "TEAM_OWNER": Severity.MEDIUM,
    "NO_OWNER": Severity.MEDIUM,
    "UNBALANCED_PLAN": Severity.MEDIUM,
    "STALE_PLAN": Severity.MEDIUM,  # high from 21 days
    "NO_NEXT_STEP": Severity.MEDIUM,
    "BUYER_NOT_ENGAGED": Severity.MEDIUM,
    "PLAN_SIZE": Severity.LOW,
    "VAGUE_DELIVERABLE": Severity.LOW,
    "INVALID_INPUT": Severity.LOW,
}
_STAKEHOLDER_CATEGORIES = (Category.SECURITY, Category.LEGAL, Category.PROCUREMENT)
_CLOSE_DATE_FIELDS = ("go_live", "signature")


def go_live_slip(s: Schedule) -> Risk | None:
    go_live = s.graph.go_live
    if s.slip_bd <= 0 or go_live is None:
        return None
    causes = _late_causes(s, go_live)
    because = f", because of delays on {_names(s, causes)}" if causes else ""
    return _risk(
        s, "GO_LIVE_SLIP", [go_live],
        f"Go-live is now projected for {day_text(s.projected_go_live)}, "
        f"{business_days(s.slip_bd)} after the committed {day_text(s.plan.go_live)}{because}: "
        "agree with the buyer how to win the time back, or reset the go-live date and record why.",
    )  # fmt: skip


def quarter_slip(s: Schedule) -> Risk | None:
    q = s.plan.quarter_start_month
    found = [
        i
        for i in _open(s)
        if s.graph.milestones[i].kind is Kind.SIGNATURE
        and _quarter(_at(s.projected, i), q) > _quarter(_at(s.target, i), q)
    ]
    if not found:
        return None
    projected, target = day_text(_at(s.projected, found[0])), day_text(_at(s.target, found[0]))
    return _risk(
        s, "QUARTER_SLIP", found,
        f"The signature ({_names(s, found)}) is now projected for {projected}, a quarter later "
        f"than its {target} target: escalate with the buyer's sponsor to pull it back into the "
        "quarter, or update your forecast.",
    )  # fmt: skip


def buyer_missed_consecutive(s: Schedule) -> Risk | None:
    missed = {i for i in s.graph.active if _missed(s, i)}
    pairs: dict[int, None] = {}
    for a, b in itertools.pairwise(s.graph.active):
        if a in missed and b in missed and _side(s, a) is _side(s, b) is Side.BUYER:
            pairs[a] = pairs[b] = None
    found = list(pairs)
    if not found:
        return None
    return _risk(
        s, "BUYER_MISSED_CONSECUTIVE", found,
        f"The buyer has missed {len(found)} steps in a row ({_names(s, found)}): call your "
        "champion to find out what is blocking them and agree new dates.",
    )  # fmt: skip


def only_seller_progress(s: Schedule) -> Risk | None:
    done = [i for i in s.graph.active if s.graph.milestones[i].is_done]
    seller_done = sum(1 for i in done if _side(s, i) is Side.SELLER)
    buyer_done = any(_side(s, i) is Side.BUYER for i in done)
    overdue = [i for i in _open(s) if _side(s, i) is Side.BUYER and _at(s.target, i) < s.today]
    if seller_done < 2 or buyer_done or not overdue:
        return None
    return _risk(
        s, "ONLY_SELLER_PROGRESS", overdue,
        f"Only our side is moving: {seller_done} of our steps are done, none of the buyer's, "
        f"and {_names(s, overdue)} {is_are(overdue)} overdue: ask your champion to commit to a "
        "date for the buyer's next step.",
    )  # fmt: skip


def close_date_moved(s: Schedule) -> Risk | None:
    moves = [
        _field_name(h.field)
        for h in s.plan.history
        if _field_name(h.field) in _CLOSE_DATE_FIELDS and not h.reason.strip()
    ]
    if len(moves) < 2:
        return None
    concerned: set[int] = set()
    if "go_live" in moves and s.graph.go_live is not None:
        concerned.add(s.graph.go_live)
    if "signature" in moves:
        concerned.update(i for i in s.graph.active if s.graph.milestones[i].kind is Kind.SIGNATURE)
    return _risk(
        s, "CLOSE_DATE_MOVED", sorted(concerned),
        f"The go-live or signature date has moved {len(moves)} times without a reason: write "
        "down why it moved and confirm the new date with the buyer's decision maker.",
    )  # fmt: skip


def missing_stakeholder(s: Schedule) -> Risk | None:
    found = [
        i
        for i in _open(s)
        if s.graph.milestones[i].category in _STAKEHOLDER_CATEGORIES
        and not is_person(s.graph.milestones[i].owner)
    ]
    if not found:
        return None
    return _risk(
        s, "MISSING_STAKEHOLDER", found,
        f"No named person owns {_names(s, found)}: find out who will sign off and put that "
        "person's name and email in the Owner column.",
    )  # fmt: skip


def date_conflict(s: Schedule) -> Risk | None:
    found = list(s.conflicts)
    if not found:
        return None
    names = _names(s, found)
    if len(found) > 1:
        return _risk(
            s, "DATE_CONFLICT", found,
            f"{names} are due later than the go-live allows: move their due dates earlier or "
            "agree a later go-live.",
        )  # fmt: skip
    due, latest = s.graph.milestones[found[0]].due, _at(s.latest, found[0])
    assert due is not None
    return _risk(
        s, "DATE_CONFLICT", found,
        f"{names} is due {day_text(due)}, after {day_text(latest)}, the latest date that still "
        "makes the go-live: move it earlier or agree a later go-live.",
    )  # fmt: skip


def new_stakeholder(s: Schedule) -> Risk | None:
    plan = s.plan
    if plan.known_owners is None or plan.created_on is None:
        return None
    if (s.today - plan.created_on).days <= 7:
        return None
    known = {owner_key(o) for o in plan.known_owners}
    milestones = s.graph.milestones
    found = [
        i for i, m in enumerate(milestones) if m.owner.strip() and owner_key(m.owner) not in known
    ]
    if not found:
        return None
    owners = list(dict.fromkeys(milestones[i].owner.strip() for i in found))
    named = ", ".join(owners[:3]) + (f" and {len(owners) - 3} more" if len(owners) > 3 else "")
    return _risk(
        s, "NEW_STAKEHOLDER", found,
        f"New on the plan: {named}. Find out what role they play in the decision and brief "
        "them on the plan.",
    )  # fmt: skip


def team_owner(s: Schedule) -> Risk | None:
    milestones = s.graph.milestones
    found = [
        i for i in _open(s) if milestones[i].owner.strip() and not is_person(milestones[i].owner)
    ]
    if not found:
        return None
    return _risk(
        s, "TEAM_OWNER", found,
        f"{_names(s, found)} {is_are(found)} owned by a team, a role or a shared inbox: ask "
        f"for the name and email of the one person who will drive {_it_each(found)}.",
    )  # fmt: skip


def no_owner(s: Schedule) -> Risk | None:
    found = [i for i in _open(s) if not s.graph.milestones[i].owner.strip()]
    if not found:
        return None
    return _risk(
        s, "NO_OWNER", found,
        f"{_names(s, found)} {has_have(found)} no owner: agree who owns {_it_each(found)} and "
        "put their name and email in the Owner column.",
    )  # fmt: skip


def unbalanced_plan(s: Schedule) -> Risk | None:
    sides = [_side(s, i) for i in s.graph.active]
    if not sides:
        return None
    share = (sides.count(Side.BUYER) + 0.5 * sides.count(Side.JOINT)) / len(sides)
    if 0.30 <= share <= 0.70:
        return None
    percent = round(share * 100)
    if share < 0.30:
        return _risk(
            s, "UNBALANCED_PLAN", [],
            f"Only {percent}% of the plan is the buyer's work: add the buyer's own steps "
            "(security review, legal, procurement, budget) so they commit to the plan too.",
        )  # fmt: skip
    return _risk(
        s, "UNBALANCED_PLAN", [],
        f"{percent}% of the plan is the buyer's work: add the steps we commit to, so the buyer "
        "sees what they get in return.",
    )  # fmt: skip


def stale_plan(s: Schedule) -> Risk | None:
    plan = s.plan
    dates = (plan.last_edit_on, plan.last_buyer_edit_on, plan.last_reviewed_on, plan.created_on)
    touched = [d for d in dates if d is not None]
    if not touched:
        return None
    days = (s.today - max(touched)).days
    if days < 14:
        return None
    return _risk(
        s, "STALE_PLAN", [],
        f"Nobody has touched the plan for {days} days: review it with the buyer this week and "
        "bring the dates and statuses up to date.",
        severity=Severity.HIGH if days >= 21 else Severity.MEDIUM,
    )  # fmt: skip


def no_next_step(s: Schedule) -> Risk | None:
    open_rows = _open(s)
    if not open_rows:
        return None
    horizon = s.calendar.add_bd(s.today, 10)
    if any(s.today <= _at(s.target, i) <= horizon for i in open_rows):
        return None
    return _risk(
        s, "NO_NEXT_STEP", [],
        "Nothing in the plan is due in the next 10 business days: agree the next step and its "
        "date with the buyer now.",
    )  # fmt: skip


def buyer_not_engaged(s: Schedule) -> Risk | None:
    shared_on, last_edit = s.plan.shared_on, s.plan.last_buyer_edit_on
    if shared_on is None or (s.today - shared_on).days < 10:
        return None
    if last_edit is not None and last_edit >= shared_on:
        return None
    days = (s.today - shared_on).days
    return _risk(
        s, "BUYER_NOT_ENGAGED", [],
        f"The buyer has not edited the plan in the {days} days since you shared it on "
        f"{day_text(shared_on)}: walk your champion through it and ask them to update the "
        "buyer's steps.",
    )  # fmt: skip


def plan_size(s: Schedule) -> Risk | None:
    count = len(s.graph.active)
    if 6 <= count <= 20:
        return None
    if count < 6:
        return _risk(
            s, "PLAN_SIZE", [],
            f"The plan has only {count} step{'' if count == 1 else 's'}: add the buyer's approval "
            "steps (security, legal, procurement, signature) so none of them surprises you; 8 to "
            "15 steps works best.",
        )  # fmt: skip
    return _risk(
        s, "PLAN_SIZE", [],
        f"The plan has {count} steps, more than a buyer will follow: merge the small ones; 8 to "
        "15 steps works best.",
    )  # fmt: skip


def vague_deliverable(s: Schedule) -> Risk | None:
    found = [i for i in _open(s) if not s.graph.milestones[i].deliverable.strip()]
    if not found:
        return None
    return _risk(
        s, "VAGUE_DELIVERABLE", found,
        f"{_names(s, found)} {has_have(found)} no deliverable: write down what "
        f"{_it_each(found)} produces, such as a signed DPA or an approved security questionnaire.",
    )  # fmt: skip


RULES: tuple[Callable[[Schedule], Risk | None], ...] = (
    go_live_slip,
    quarter_slip,
    buyer_missed_consecutive,
    only_seller_progress,
    close_date_moved,
    missing_stakeholder,
    date_conflict,
    new_stakeholder,
    team_owner,
    no_owner,
    unbalanced_plan,
    stale_plan,
    no_next_step,
    buyer_not_engaged,
    plan_size,
    vague_deliverable,
)


def plan_risks(schedule: Schedule) -> tuple[Risk, ...]:
    """Every risk that applies, the most severe first (then in the contract's order)."""
    found = [r for rule in RULES if (r := rule(schedule)) is not None]
    return most_severe_first(found)


def invalid_input_risk(cells: Sequence[str], milestones: Sequence[str] = ()) -> Risk:
    """INVALID_INPUT for cells the sheet could not read, e.g. ``'Due of "DPA": "next week"'``."""
    listed = "; ".join(cells[:3]) + (f"; and {len(cells) - 3} more" if len(cells) > 3 else "")
    return Risk(
        code="INVALID_INPUT",
        severity=SEVERITY["INVALID_INPUT"],
        message=(
            f"Some cells could not be read ({listed}): correct them so the dates and risks are "
            "right; until then they keep what was typed and are left out of the plan."
        ),
        milestones=tuple(milestones),
    )


def with_extra_risks(computed: ComputedPlan, extra: Iterable[Risk]) -> ComputedPlan:
    """``computed`` with more risks (such as INVALID_INPUT) and its deal health rescored."""
    risks = most_severe_first([*computed.risks, *extra])
    return dataclasses.replace(computed, risks=risks, health=deal_health(risks))


# -- helpers -----------------------------------------------------------------------


def _risk(
    s: Schedule, code: str, rows: Iterable[int], message: str, severity: Severity | None = None
) -> Risk:
    return Risk(
        code=code,
        severity=severity or SEVERITY[code],
        message=message,
        milestones=tuple(s.graph.milestones[i].id for i in rows),
    )


def _it_each(rows: Sequence[int]) -> str:
    return "it" if len(rows) == 1 else "each"


def _names(s: Schedule, rows: Iterable[int]) -> str:
    return titles(s.graph.milestones, rows)


def _open(s: Schedule) -> list[int]:
    return [i for i in s.graph.active if not s.graph.milestones[i].is_done]


def _side(s: Schedule, i: int) -> Side:
    return s.graph.milestones[i].side


def _at(days: list[date | None], i: int) -> date:
    day = days[i]
    assert day is not None  # only asked for milestones that are not N/A
    return day


def _missed(s: Schedule, i: int) -> bool:
    m, target = s.graph.milestones[i], _at(s.target, i)
    if m.is_done:
        return m.completed_on is not None and m.completed_on > target
    return target < s.today


def _late_causes(s: Schedule, go_live: int) -> list[int]:
    """Late milestones on the way to go-live whose own predecessors are on time."""
    seen = {go_live}
    stack = [go_live]
    causes: list[int] = []
    while stack:
        i = stack.pop()
        late_preds = [p for p in s.graph.preds[i] if s.slip[p] > 0]
        if i != go_live and not late_preds:
            causes.append(i)
        for p in late_preds:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return sorted(causes)


def _quarter(day: date, start_month: int) -> int:
    """A number that grows by one with each quarter (quarters begin at ``start_month``)."""
    return (day.year * 12 + day.month - start_month) // 3


def _field_name(text: str) -> str:
    return "_".join(text.strip().casefold().replace("-", " ").split())
