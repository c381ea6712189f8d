"""The call agenda: "Ask in your next call", in plain words, from the plan as computed.

One line per missed step (the buyer's and joint ones as a question, the seller's as
something to report), each owner who cannot be reached (no email) or has no name, each
new stakeholder, the next step to book, and the steps due before the next call to
confirm. Pure: the plan, its targets and risks in, lines out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from service.domain.model import Milestone, Plan, Side
from service.domain.owners import parse_owner
from service.domain.reminders import milestone_date
from service.domain.wording import day_text

NEXT_CALL_DAYS = 7


@dataclass(frozen=True, slots=True)
class AgendaItem:
    kind: str  # missed | missing_contact | no_owner | new_stakeholder | book_next | confirm
    text: str
    milestone_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "milestone_id": self.milestone_id}


def when_past(day: date, today: date) -> str:
    """How long ago, as people say it: yesterday, 3 days ago, last week, 3 weeks ago."""
    days = (today - day).days
    if days <= 1:
        return "yesterday" if days == 1 else "today"
    if days < 7:
        return f"{days} days ago"
    if days < 14:
        return "last week"
    return f"{days // 7} weeks ago"


def _the(title: str) -> str:
    """``IT review`` -> ``the IT review``; ``Pricing review`` -> ``the pricing review``."""
    if title.casefold().startswith("the "):
        return title
    if title[1:2].islower():
        title = title[:1].lower() + title[1:]
    return f"the {title}"


def _who(owner: str) -> str:
    name, email = parse_owner(owner)
    return name or email or owner


Dated = tuple[Milestone, date]


def call_agenda(
    plan: Plan,
    targets: Mapping[str, date | None],
    risks: Sequence[Mapping[str, Any]],
    today: date,
    *,
    next_call_in_days: int = NEXT_CALL_DAYS,
) -> list[AgendaItem]:
    """The agenda of the next call, in the order to raise it (module docstring)."""
    open_steps = sorted(
        (
            (m, d)
            for m in plan.milestones
            if m.is_open and (d := milestone_date(m, targets.get(m.id))) is not None
        ),
        key=lambda pair: pair[1],
    )
    upcoming = [(m, d) for m, d in open_steps if d >= today]
    next_call = today + timedelta(days=next_call_in_days)
    return [
        *(_missed(m, due, today) for m, due in open_steps if due < today),
        *_people(plan),
        *(
            AgendaItem("new_stakeholder", str(r.get("message", "")))
            for r in risks
            if r.get("code") == "NEW_STAKEHOLDER"
        ),
        *_ahead(upcoming, next_call),
    ]


def _missed(m: Milestone, due: date, today: date) -> AgendaItem:
    when = when_past(due, today)
    if m.side is Side.SELLER:
        text = f"{_the(m.title)} was due {when} on our side; say where it stands."
    else:
        text = f"{_the(m.title)} was due {when}; what is happening on your end?"
    return AgendaItem("missed", text[0].upper() + text[1:], m.id)


def _people(plan: Plan) -> list[AgendaItem]:
    """Open steps without an owner, and buyer-side owners without an email."""
    champion = next(
        (
            _who(m.owner)
            for m in plan.milestones
            if m.side is Side.BUYER and all(parse_owner(m.owner))
        ),
        "your champion",
    )
    items = []
    for m in plan.milestones:
        if not m.is_open:
            continue
        name, email = parse_owner(m.owner)
        if not m.owner.strip():
            items.append(AgendaItem("no_owner", f'Who owns "{m.title}"?', m.id))
        elif not email and m.side is not Side.SELLER:
            text = f'Ask {champion} for {name}\'s email (owner of "{m.title}").'
            items.append(AgendaItem("missing_contact", text, m.id))
    return items


def _ahead(upcoming: list[Dated], next_call: date) -> list[AgendaItem]:
    """The next step to book, and the steps due before the next call to confirm."""
    if not upcoming:
        return []
    first, first_due = upcoming[0]
    items = [
        AgendaItem(
            "book_next", f'Book the next step: "{first.title}" by {day_text(first_due)}.', first.id
        )
    ]
    for m, due in upcoming:
        if due > next_call:
            break
        who = _who(m.owner) if m.owner.strip() else "its owner"
        text = f'Confirm {who} has "{m.title}" done as planned by {day_text(due)}.'
        items.append(AgendaItem("confirm", text, m.id))
    return items
