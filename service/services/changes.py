"""Detected changes as history: who made them (when we know), the store's events and
the History tab's rows.

Who: Drive push notifications do not say who edited; the add-on's trigger sometimes
does (``e.user`` is blank for editors outside the seller's domain). A change is
attributed to the latest trigger event on the same row (or header cell) since the last
sync; otherwise to the person Drive's revision history names: the only person (not a
service account) whose edits Drive recorded since the last read, or, when several
edited in between, "probably" one of them (one from the milestone's side, the latest
first); with no revision to go by "who" is left empty. A change counts as the buyer's
when its author is one of the MAP's buyer contacts, or, with no author known, when it
is on a buyer-side milestone (the buyer's rows are edited by the buyer far more often
than not).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from service.domain.history import Change
from service.domain.model import HistoryEntry, Kind, Plan, Side
from service.services.map_sheets import LoggedChange, Revision, SheetLayout
from service.store.history import history_dedupe_key
from service.store.records import EditEvent, HistorySource, NewHistoryEvent

# How a change made from a one-click link in a reminder is signed: "dana@acme.com via email".
VIA_EMAIL = " via email"


def person_of(author: str) -> str:
    """The email of an author, without how they made the change."""
    return author.removesuffix(VIA_EMAIL)


FIELD_LABELS = {
    "title": "Milestone",
    "side": "Side",
    "owner": "Owner",
    "deliverable": "Deliverable",
    "due": "Due",
    "status": "Status",
    "completed_on": "Completed on",
    "notes": "Notes",
    "milestone": "Milestone",
    "account": "Account",
    "outcome": "Outcome",
    "go_live": "Committed Go-Live",
}


def authors(
    changes: Sequence[Change], events: Iterable[EditEvent], layout: SheetLayout
) -> list[str]:
    """The author of each change ('' when unknown): whoever the add-on last reported
    editing the same row (``layout`` says which row an edit and a change are on)."""
    by_row: dict[Hashable, str] = {}
    for event in sorted(events, key=lambda e: e.ts):
        if not event.user_email:
            continue
        row = layout.row_of_edit(event.sheet, event.a1)
        if row is not None:
            by_row[row] = event.user_email
    result = []
    for change in changes:
        row = layout.row_of_change(change)
        result.append(by_row.get(row, "") if row is not None else "")
    return result


PROBABLY = "probably "


def from_revisions(
    changes: Sequence[Change],
    who: Sequence[str],
    revisions: Sequence[Revision],
    plan: Plan,
    buyer_emails: Iterable[str],
) -> list[str]:
    """``who`` with each unknown author taken from the revision history: the one person
    who edited, or "probably ..." one of several (see the module's docstring)."""
    people = [r.email for r in revisions if r.email and not _is_service_account(r.email)]
    latest_first = list(dict.fromkeys(e.casefold() for e in reversed(people)))
    if not latest_first:
        return list(who)
    buyers = {e.casefold() for e in buyer_emails}
    sides = {m.id: m.side for m in plan.milestones}
    result = []
    for change, author in zip(changes, who, strict=True):
        if author:
            result.append(author)
        elif len(latest_first) == 1:
            result.append(latest_first[0])
        else:
            side = sides.get(change.milestone_id or "")
            same_side = [
                e for e in latest_first if side is None or (e in buyers) == (side is Side.BUYER)
            ]
            result.append(PROBABLY + (same_side or latest_first)[0])
    return result


def author_email(author: str) -> str:
    """The email in an author as :func:`from_revisions` gives it."""
    return author.removeprefix(PROBABLY)


def _is_service_account(email: str) -> bool:
    return email.casefold().endswith(".gserviceaccount.com")


def buyer_edited(
    changes: Sequence[Change], who: Sequence[str], plan: Plan, buyer_emails: Iterable[str]
) -> bool:
    buyers = {e.casefold() for e in buyer_emails}
    sides = {m.id: m.side for m in plan.milestones}
    for change, author in zip(changes, who, strict=True):
        if author:
            if person_of(author_email(author)).casefold() in buyers:
                return True
        elif sides.get(change.milestone_id or "") is Side.BUYER:
            return True
    return False


def store_events(
    spreadsheet_id: str,
    changes: Sequence[Change],
    who: Sequence[str],
    *,
    on: date,
    at: datetime,
    base: str,
) -> list[NewHistoryEvent]:
    """The store's events for ``changes``. ``base`` names what they were diffed from (the
    last write's token and the plan as then known): a sync redone from the same base
    (its write's outcome was never learned, or the process died) finds the same changes
    and gives them the same keys, so each is recorded, and shown, once."""
    return [
        NewHistoryEvent(
            spreadsheet_id=spreadsheet_id,
            on=on,
            field=change.field,
            old=change.old,
            new=change.new,
            source=HistorySource.SYNC,
            dedupe_key=history_dedupe_key(
                spreadsheet_id,
                base,
                change.milestone_id,
                change.field,
                change.old,
                change.new,
            ),
            actor=author,
            milestone_id=change.milestone_id,
            reason=change.reason,
            at=at,
        )
        for change, author in zip(changes, who, strict=True)
    ]


def event_id(event: NewHistoryEvent) -> str:
    """The id the History tab shows for ``event`` (the start of its key)."""
    return event.dedupe_key[:16]


def history_rows(
    changes: Sequence[Change],
    who: Sequence[str],
    events: Sequence[NewHistoryEvent],
    *,
    at: datetime,
) -> list[list[str]]:
    """Rows for the History tab: When, Who, Milestone, Field, Old, New, Reason, Source,
    Event (the id a redone sync finds the row by)."""
    when = at.strftime("%Y-%m-%d %H:%M")
    return [
        [
            when,
            author or "(not known)",
            change.milestone_title,
            FIELD_LABELS.get(change.field, change.field),
            change.old,
            change.new,
            change.reason,
            "email" if author.endswith(VIA_EMAIL) else "sheet edit",
            event_id(event),
        ]
        for change, author, event in zip(changes, who, events, strict=True)
    ]


def explain_moves(
    moves: Sequence[HistoryEntry], logged: Sequence[LoggedChange], plan: Plan
) -> tuple[HistoryEntry, ...]:
    """``moves`` (the go-live and signature date moves) with the reasons people have
    typed since on their History rows: a move without a reason takes its row's.

    A move's row is the first one not yet taken, in order, with its field, old and new
    values (and, for a signature move, a signature milestone's title). A reason, once
    given, stays: clearing the cell later does not make the move unexplained again.
    """
    signatures = {m.title for m in plan.milestones if m.kind is Kind.SIGNATURE}
    taken: set[int] = set()
    explained = []
    for move in moves:
        found = next(
            (
                i
                for i, row in enumerate(logged)
                if i not in taken and _logs_move(row, move, signatures)
            ),
            None,
        )
        if found is not None:
            taken.add(found)
            if not move.reason.strip() and logged[found].reason:
                move = replace(move, reason=logged[found].reason)
        explained.append(move)
    return tuple(explained)


def _logs_move(row: LoggedChange, move: HistoryEntry, signatures: set[str]) -> bool:
    if (row.old, row.new) != (move.old or "", move.new or ""):
        return False
    if move.field == "go_live":
        return row.field == FIELD_LABELS["go_live"]
    return row.field == FIELD_LABELS["due"] and row.milestone in signatures
