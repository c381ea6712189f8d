"""Detected changes as history: who made them (when we know), the store's events and
the History tab's rows.

Who: Drive push notifications do not say who edited; the add-on's trigger sometimes
does (``e.user`` is blank for editors outside the seller's domain). A change is
attributed to the latest trigger event on the same row (or header cell) since the last
sync; otherwise "who" is left empty. A change counts as the buyer's when its author is
one of the MAP's buyer contacts, or, with no author known, when it is on a buyer-side
milestone (the buyer's rows are edited by the buyer far more often than not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from gspread.utils import a1_to_rowcol

from service.domain.history import Change
from service.domain.model import Plan, Side
from service.store.history import history_dedupe_key
from service.store.records import EditEvent, HistorySource, NewHistoryEvent

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
    changes: Sequence[Change],
    events: Iterable[EditEvent],
    row_of: dict[str, int],
    header_rows: dict[str, int],
    plan_tab: str,
) -> list[str]:
    """The author of each change ('' when unknown), from the add-on's edit events."""
    by_row: dict[int, str] = {}
    for event in sorted(events, key=lambda e: e.ts):
        if event.sheet != plan_tab or not event.user_email:
            continue
        try:
            row, _ = a1_to_rowcol(event.a1.split(":")[0])
        except Exception:
            continue
        by_row[row - 1] = event.user_email
    result = []
    for change in changes:
        if change.milestone_id is not None:
            row_index = row_of.get(change.milestone_id)
        else:
            row_index = header_rows.get(change.field)
        result.append(by_row.get(row_index, "") if row_index is not None else "")
    return result


def buyer_edited(
    changes: Sequence[Change], who: Sequence[str], plan: Plan, buyer_emails: Iterable[str]
) -> bool:
    buyers = {e.casefold() for e in buyer_emails}
    sides = {m.id: m.side for m in plan.milestones}
    for change, author in zip(changes, who, strict=True):
        if author:
            if author.casefold() in buyers:
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
    write_token: str,
) -> list[NewHistoryEvent]:
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
                write_token,
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


def history_rows(changes: Sequence[Change], who: Sequence[str], *, at: datetime) -> list[list[str]]:
    """Rows for the History tab: When, Who, Milestone, Field, Old, New, Reason, Source."""
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
            "sheet edit",
        ]
        for change, author in zip(changes, who, strict=True)
    ]
