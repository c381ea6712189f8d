"""The weekly review: what happened since the last one, appended to the Reviews tab.

Runs under the spreadsheet's sync lease: first a full sync (so the review sees the sheet
as it is), then one write that appends the review and stamps "Last review" (which
STALE_PLAN reads). One request, one review: notifications arriving meanwhile (the
review's own write causes one) make the lease holder sync again, never review again.
Owners listed as new stakeholders count as acknowledged from then on: NEW_STAKEHOLDER
flags a newcomer until a review has put them in front of the seller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from service.clock import is_time_zone, local_today
from service.domain.agenda import call_agenda
from service.domain.history import owners_of
from service.domain.wording import day_text
from service.services.backend import Backend
from service.services.map_state import MapState
from service.services.reminders import targets
from service.services.rollover import recompute_from_state
from service.services.sync import SyncDeps, sync_map
from service.store.errors import MapNotFound
from service.store.single_flight import Lease, run_single_flight


@dataclass
class ReviewSummary:
    on: date
    since: date
    completed: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    new_stakeholders: list[str] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    # "Ask in your next call" (the call agenda, as in the seller's digest).
    agenda: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "since": self.since.isoformat(),
            "completed": self.completed,
            "overdue": self.overdue,
            "moved": self.moved,
            "new_stakeholders": self.new_stakeholders,
            "risks": self.risks,
            "agenda": self.agenda,
        }

    def rows(self) -> list[list[str]]:
        """Rows for the Reviews tab: Review date, Section, Item, Detail (the open risks
        are the sheet's to word: ``SheetUpdate.review_on``)."""
        day = self.on.isoformat()
        rows = [[day, "Review", f"Weekly review since {day_text(self.since)}", ""]]
        sections = (
            ("Completed", self.completed, "Nothing completed since the last review."),
            ("Overdue", self.overdue, "Nothing overdue."),
            ("Dates moved", self.moved, "No dates moved."),
            ("New stakeholders", self.new_stakeholders, "No new stakeholders."),
        )
        for name, items, empty in sections:
            rows.extend([day, name, item, ""] for item in items)
            if not items:
                rows.append([day, name, empty, ""])
        rows.extend([day, "Ask in your next call", text, ""] for text in self.agenda)
        return rows  # the sheet adds the open risks, in its own words


def run_review(backend: Backend, spreadsheet_id: str) -> ReviewSummary:
    """Sync, summarise since the last review, append it, stamp the review date."""
    if backend.store.get_map(spreadsheet_id) is None:
        raise MapNotFound(spreadsheet_id)
    outcome: list[ReviewSummary] = []

    def run(lease: Lease) -> None:
        with backend.sheets() as sheets:
            deps = SyncDeps(store=backend.store, sheets=sheets, now=backend.now)
            sync_map(deps, spreadsheet_id)
            if not outcome:  # later rounds cover notifications: a sync, not a review
                lease.renew()
                outcome.append(_review(deps, spreadsheet_id))

    run_single_flight(backend.store, spreadsheet_id, run)
    if not outcome:  # another worker held the lease; it synced, so review now
        with backend.sheets() as sheets:
            deps = SyncDeps(store=backend.store, sheets=sheets, now=backend.now)
            outcome.append(_review(deps, spreadsheet_id))
    return outcome[0]


def _review(deps: SyncDeps, spreadsheet_id: str) -> ReviewSummary:
    store = deps.store
    record = store.get_map(spreadsheet_id)
    snapshot = store.latest_snapshot(spreadsheet_id)
    if record is None or snapshot is None:
        raise MapNotFound(spreadsheet_id)
    state = MapState.from_snapshot(snapshot)
    zone = deps.sheets.recall(state.sheet).time_zone
    today = local_today(deps.now(), zone)  # the review is dated in the sheet's time zone
    last = store.last_review(spreadsheet_id, before=today)  # a rerun today replaces today's
    since = last.on if last is not None else record.created_on
    titles = {m.id: m.title for m in state.plan.milestones}
    events = store.history(
        spreadsheet_id, since=datetime.combine(since, time.min, tzinfo=_zone(zone))
    )
    summary = ReviewSummary(on=today, since=since)
    for e in events:
        title = titles.get(e.milestone_id or "", "")
        if e.field == "status" and e.new == "Done":
            summary.completed.append(title)
        elif e.field in ("due", "go_live"):
            what = title or "Committed Go-Live"
            summary.moved.append(f"{what}: {_day(e.old)} -> {_day(e.new)}")
    for m in state.computed.get("milestones", []):
        if m.get("health") == "Overdue":
            summary.overdue.append(f"{titles.get(m['id'], m['id'])} (target {_day(m['target'])})")
    known = {o.casefold() for o in state.known_owners}
    current = owners_of(state.plan.milestones)
    summary.new_stakeholders = [o for o in current if o.casefold() not in known]
    summary.risks = [
        {"code": r["code"], "severity": r["severity"], "message": r["message"]}
        for r in state.computed.get("risks", [])
    ]
    summary.completed = list(dict.fromkeys(summary.completed))
    agenda = call_agenda(
        state.plan, targets(state.computed), state.computed.get("risks", []), today
    )
    summary.agenda = [item.text for item in agenda]

    record = store.update_map(spreadsheet_id, last_reviewed_on=today)
    state = replace(state, known_owners=tuple(dict.fromkeys((*state.known_owners, *current))))
    recompute_from_state(deps, record, state, review_rows=summary.rows(), review_on=today)
    store.record_review(spreadsheet_id, today, summary.to_json())
    return summary


def _day(text: str | None) -> str:
    """A stored ISO date in the words both sides read ("20 Jan 2027"); "none" for none."""
    if not text:
        return "none"
    try:
        return day_text(date.fromisoformat(text))
    except ValueError:
        return text


def _zone(name: str) -> tzinfo:
    return ZoneInfo(name) if is_time_zone(name) else UTC
