"""One-click updates from a reminder: "Done", "In progress", "Need more time".

The link (see ``action_links``) says who, which milestone and what. Opening it shows
what will change (:func:`preview`); confirming (:func:`apply`) makes the change on the
sheet in one Sheets call, anchored to the milestone's row, records it as that person's
edit "via email" (the sync that follows writes it to History), and answers with the
plan's new go-live, computed from the snapshot with the change in it (no read).

Refused, with nothing changed: a link already used (410), a milestone that is gone
(404) or whose owner is no longer the link's person (403), a proposed date that is not
a date or not after today (422). The link's own checks (tampered 403, expired 410)
come first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from service.clock import local_today
from service.domain.compute import compute
from service.domain.model import Milestone, Status
from service.domain.owners import parse_owner
from service.services.action_links import ACTION_LABELS, Action, ActionClaim, LinkRefused
from service.services.backend import Backend
from service.services.changes import VIA_EMAIL
from service.services.map_sheets import InputEdit
from service.services.map_state import MapState
from service.services.sync import engine_plan, load
from service.store.errors import MapNotFound

MAX_REASON = 500


@dataclass(frozen=True)
class Preview:
    account: str
    title: str
    action: Action
    action_label: str
    status: str
    due: date | None
    today: date


@dataclass(frozen=True)
class Applied:
    account: str
    title: str
    action_label: str
    committed_go_live: date
    projected_go_live: date | None
    slip_bd: int
    sheet_url: str


@dataclass(frozen=True)
class _Loaded:
    account: str
    state: MapState
    milestone: Milestone
    today: date
    time_zone: str


def _load(backend: Backend, claim: ActionClaim, now: datetime) -> _Loaded:
    if backend.store.link_used(claim.nonce):
        raise LinkRefused(
            "This link was used already: each link works once. Open the plan to change "
            "the step again.",
            status=410,
        )
    try:
        record, state = load(backend.store, claim.spreadsheet_id)
    except MapNotFound as exc:
        raise LinkRefused("This plan no longer exists.", status=404) from exc
    milestone = next((m for m in state.plan.milestones if m.id == claim.milestone_id), None)
    if milestone is None:
        raise LinkRefused("This step is no longer in the plan.", status=404)
    _, owner_email = parse_owner(milestone.owner)
    if owner_email.casefold() != claim.email.casefold():
        raise LinkRefused(
            "This step is no longer yours: only its owner can update it from a link.",
            status=403,
        )
    with backend.sheets() as sheets:
        time_zone = sheets.recall(state.sheet).time_zone
    return _Loaded(record.account, state, milestone, local_today(now, time_zone), time_zone)


def preview(backend: Backend, claim: ActionClaim) -> Preview:
    loaded = _load(backend, claim, backend.now())
    m = loaded.milestone
    return Preview(
        account=loaded.account,
        title=m.title,
        action=claim.action,
        action_label=ACTION_LABELS[claim.action],
        status=m.status.value,
        due=m.due,
        today=loaded.today,
    )


class ProposalInvalid(ValueError):
    """A proposed date or reason that cannot be used; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_proposal(proposed: str, reason: str, today: date) -> tuple[date, str]:
    try:
        day = date.fromisoformat(proposed.strip())
    except ValueError as exc:
        raise ProposalInvalid("date", "Pick the date you propose, like 2027-01-15.") from exc
    if day <= today:
        raise ProposalInvalid("date", "The proposed date must be after today.")
    if len(reason) > MAX_REASON:
        raise ProposalInvalid("reason", f"Keep the reason under {MAX_REASON} characters.")
    return day, " ".join(reason.split())


def apply(backend: Backend, claim: ActionClaim, *, proposed: str = "", reason: str = "") -> Applied:
    """Make the change (see the module docstring); :class:`LinkRefused` or
    :class:`ProposalInvalid` when it cannot be made, with nothing changed."""
    now = backend.now()
    loaded = _load(backend, claim, now)
    m = loaded.milestone
    if claim.action is Action.MORE_TIME:
        day, why = check_proposal(proposed, reason, loaded.today)
        note = f"{loaded.today.isoformat()}: needs until {day.isoformat()}"
        note += f" ({why})" if why else ""
        notes = f"{m.notes}\n{note}" if m.notes.strip() else note
        edit = InputEdit(m.id, due=day, notes=notes)
        changed = replace(m, due=day, notes=notes)
    elif claim.action is Action.DONE:
        edit = InputEdit(m.id, status=Status.DONE.value)
        changed = replace(m, status=Status.DONE)
    else:
        edit = InputEdit(m.id, status=Status.IN_PROGRESS.value)
        changed = replace(m, status=Status.IN_PROGRESS)
    # Claim the link first: of two clicks racing, one changes the sheet.
    if not backend.store.use_link(claim.spreadsheet_id, claim.nonce):
        raise LinkRefused("This link was used already: each link works once.", status=410)
    try:
        with backend.sheets() as sheets:
            layout = sheets.recall(loaded.state.sheet)
            cells = sheets.edit_inputs(claim.spreadsheet_id, layout, edit)
    except BaseException:
        backend.store.release_link(claim.nonce)
        raise
    author = f"{claim.email}{VIA_EMAIL}"
    for cell in cells.cells:
        backend.store.record_edit_and_request_sync(
            spreadsheet_id=claim.spreadsheet_id,
            a1=cell,
            ts=now,
            sheet=cells.tab,
            user_email=author,
        )
    record = backend.store.get_map(claim.spreadsheet_id)
    if record is None:
        raise LinkRefused("This plan no longer exists.", status=404)
    plan = replace(
        loaded.state.plan,
        milestones=tuple(changed if x.id == m.id else x for x in loaded.state.plan.milestones),
    )
    computed = compute(engine_plan(record, loaded.state, plan), loaded.today)
    return Applied(
        account=record.account,
        title=m.title,
        action_label=ACTION_LABELS[claim.action],
        committed_go_live=computed.committed_go_live,
        projected_go_live=computed.projected_go_live,
        slip_bd=computed.slip_bd,
        sheet_url=backend.sheet_url(claim.spreadsheet_id),
    )
