"""The one idempotent use case every change path calls: bring a MAP up to date.

``sync_map`` loads what we knew (the MAP's record and snapshot), reads the sheet (one
call), diffs the plan it shows against the snapshot (history), computes, writes the
computed cells, notes, new IDs and history (at most one call, none when nothing changed;
see ``guarded_write``) and saves the new snapshot and the MAP's summary.

The sheet is the port's (``map_sheets``): its write touches only computed cells, the
backend's own notes and the empty ID cell of a row a person added (DESIGN I2), and is
prepared against the cells as read, so an unchanged sync writes nothing (I1).

What the store gives a sync is loaded in one read-only transaction (``load_inputs``:
the record, the snapshot, parsed once, the organisation's calibration and the edits the
add-on's trigger reported), and what it records is saved in one write transaction
(``save``), whether it wrote the sheet or not; only a write whose outcome Google left
unknown is stored apart, as pending (``guarded_write``, DESIGN I7). See docs/sync.md,
"What a sync costs the store".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from service.domain.calibration import Calibration
from service.domain.compute import compute
from service.domain.history import Change, close_date_entries, diff_plans, owners_of
from service.domain.model import ComputedPlan, HistoryEntry, Kind, Plan
from service.domain.parse import plan_to_json
from service.domain.risks import invalid_input_risk, with_extra_risks
from service.domain.schedule import quarter_end
from service.domain.timeline import timeline
from service.services import changes as history
from service.services import versions
from service.services.calibrate import calibration_of
from service.services.crash_points import crash_point
from service.services.guarded_write import adopt_pending, write_guarded
from service.services.known_states import KNOWN_STATES, held_stamp, load_state, state_of
from service.services.map_sheets import (
    FileVersion,
    MapSheets,
    SheetPlan,
    SheetUpdate,
    SheetWrite,
)
from service.services.map_state import MapState
from service.sheets.errors import LayoutChanged, TabMissing
from service.store.errors import MapNotFound
from service.store.history import history_dedupe_key
from service.store.records import EditEvent, MapRecord, NewHistoryEvent
from service.store.single_flight import Lease
from service.store.store import Store

MAX_LAYOUT_RETRIES = 3
# Owners seen in a MAP's first week are its cast; later newcomers are NEW_STAKEHOLDERs
# until a weekly review acknowledges them.
CAST_DAYS = 7


@dataclass
class SyncDeps:
    store: Store
    sheets: MapSheets
    now: Callable[[], datetime]
    # The lease the sync runs under, when its record is the last thing done under it
    # (``sync_coalesced``): the record then releases it in the same transaction
    # (``recording``). None: the caller releases it (or holds none).
    lease: Lease | None = None


def recording(deps: SyncDeps) -> AbstractContextManager[None]:
    """The write transaction a sync records in: with the lease's release when the sync
    runs under one it may release (one transaction where there were two), else a plain
    store transaction."""
    return deps.lease.recording() if deps.lease is not None else deps.store.transaction()


@dataclass(frozen=True)
class SyncResult:
    spreadsheet_id: str
    computed: ComputedPlan
    read: bool
    wrote: bool
    changes: int
    cells_written: int


@dataclass(frozen=True)
class Loaded:
    """What a sync starts from, loaded from the store in one read transaction."""

    record: MapRecord
    state: MapState  # the snapshot, parsed
    calibration: Calibration | None  # the organisation's (None: the built-in priors)
    # The edits the add-on's trigger reported since the last sync or the last read,
    # whichever is earlier (the record's creation when neither happened), oldest first.
    edit_events: tuple[EditEvent, ...]

    def reported_since(self, since: datetime) -> list[EditEvent]:
        return [e for e in self.edit_events if e.ts >= since]


def load_inputs(store: Store, spreadsheet_id: str) -> Loaded:
    """The MAP's record, its snapshot, its organisation's calibration and the trigger's
    recent edit reports, in one read-only store transaction. ``MapNotFound`` if there is
    no MAP (or no snapshot yet)."""
    with store.reading():
        # The record, the snapshot, the calibration and whether any edit report is kept,
        # in one statement (``sync_rows``); the reports only when some are kept.
        rows = store.sync_rows(spreadsheet_id, held_stamp(spreadsheet_id))
        state = None if rows is None else state_of(store, spreadsheet_id, rows.snapshot)
        if rows is None or state is None:
            raise MapNotFound(spreadsheet_id)
        record = rows.record
        calibration = calibration_of(rows.calibration)
        events = (
            store.edit_events_since(spreadsheet_id, _reports_since(record))
            if rows.has_edit_events
            else []
        )
    return Loaded(record, state, calibration, tuple(events))


def _reports_since(record: MapRecord) -> datetime:
    moments = [m for m in (record.last_synced_at, record.last_read_at) if m is not None]
    return min(moments, default=record.created_at)


def sync_map(
    deps: SyncDeps,
    spreadsheet_id: str,
    *,
    version: FileVersion | None = None,
    loaded: Loaded | None = None,
) -> SyncResult:
    """Read, recompute and write one MAP; runs again when rows moved under the write.
    ``version``: the file's Drive version the caller has just seen (else asked here);
    ``loaded``: what the caller has just loaded from the store (else loaded here)."""
    for attempt in range(MAX_LAYOUT_RETRIES + 1):
        try:
            if attempt == 0:
                return _sync_once(deps, spreadsheet_id, version, loaded)
            return _sync_once(deps, spreadsheet_id, None, None)
        except (LayoutChanged, TabMissing):
            # Rows moved under the write, or a tab it names went: read again (which
            # restores the tab); the write's token tells whether it landed.
            if attempt == MAX_LAYOUT_RETRIES:
                raise
    raise AssertionError("unreachable")


def _sync_once(
    deps: SyncDeps, spreadsheet_id: str, drive: FileVersion | None, inputs: Loaded | None
) -> SyncResult:
    now = deps.now()
    if inputs is None:
        inputs = load_inputs(deps.store, spreadsheet_id)
    record, loaded = inputs.record, inputs.state
    if drive is None:
        drive = versions.drive_file(deps.sheets, spreadsheet_id)  # before the read
    version = None if drive is None else drive.version
    seen = read(deps, record, loaded, now)
    crash_point("read")
    since = record.last_synced_at or record.created_at
    sole = versions.sole_change(record.drive_version, drive, record.last_read_at)
    edits = diff(deps, record, seen, inputs.reported_since(since), sole_change=sole)
    result = recompute(seen, edits, inputs.calibration)
    crash_point("compute")
    written = write(deps, seen, edits, result, now)
    crash_point("write")
    if written.write:
        version = versions.after_own_write(deps.sheets, spreadsheet_id, version)
    save(deps, loaded, edits, result.computed, written, now, drive_version=version)
    return SyncResult(
        spreadsheet_id,
        result.computed,
        read=True,
        wrote=bool(written.write),
        changes=len(edits.changes),
        cells_written=written.write.cells_written,
    )


@dataclass(frozen=True)
class Seen:
    """The sheet as read, against what we knew."""

    state: MapState  # what we knew, with a write whose outcome was unknown resolved
    sheet: SheetPlan  # the plan the sheet shows
    today: date  # in the sheet's time zone
    # The token of the last write on the sheet ("" when none): what a sync that writes
    # nothing records, so that a write of ours the store never recorded (the process
    # died, or the store failed, once it had landed) is reconciled once, not each time.
    token: str


@dataclass(frozen=True)
class Edits:
    """What people changed since the last sync, and who (when we know)."""

    changes: list[Change]
    who: list[str]
    activity: dict[str, Any]  # the MAP's activity dates these changes move
    record: MapRecord  # the MAP's record with them moved


@dataclass(frozen=True)
class Recomputed:
    state: MapState  # what this sync knows of the MAP (cast, date moves, unreadable cells)
    plan: Plan  # as the engine saw it
    computed: ComputedPlan


@dataclass(frozen=True)
class Written:
    state: MapState  # what this sync leaves
    write: SheetWrite  # empty when there was nothing to write
    events: list[NewHistoryEvent]  # history this sync records


def read(deps: SyncDeps, record: MapRecord, loaded: MapState, now: datetime) -> Seen:
    """Read the sheet (one call), settle a write whose outcome was unknown by the token
    the sheet carries, and match the sheet's rows to the milestones we knew.

    The History tab's rows are read only when this sync needs them
    (:func:`needs_history_rows`), or when the sheet carries a write token we did not
    record (a write of ours that landed after we stopped waiting for it: its rows may
    double ours), which costs a second read. The Reviews tab's rows only on the day of
    a weekly review (:func:`needs_review_rows`)."""
    history = needs_history_rows(loaded)
    reviews = needs_review_rows(record, now)
    go_live = loaded.plan.go_live
    spreadsheet_id = record.spreadsheet_id
    reading = deps.sheets.read(
        spreadsheet_id, now=now, go_live=go_live, history=history, reviews=reviews
    )
    if not history and (reading.write_token or "") != (loaded.write_token or ""):
        reading = deps.sheets.read(spreadsheet_id, now=now, go_live=go_live, reviews=reviews)
    state = adopt_pending(deps.store, record.spreadsheet_id, loaded, reading.write_token)
    sheet = reading.to_plan(
        state.plan, next_id=state.next_id, reason=state.reason, removed=state.removed
    )
    return Seen(state, sheet, reading.today, reading.write_token or "")


def needs_history_rows(state: MapState) -> bool:
    """Whether a sync from ``state`` reads the History tab's rows: to settle a write
    whose outcome was unknown (finding by their event ids the rows it may have left),
    or to find a reason people typed there for a go-live or signature move recorded
    without one. Otherwise the rows this sync appends cannot be there yet (their event
    ids are new), and no reason is looked for: once given, it stays."""
    return state.pending is not None or any(not m.reason.strip() for m in state.close_moves)


def needs_review_rows(record: MapRecord, now: datetime) -> bool:
    """Whether a sync at ``now`` reads the Reviews tab's rows: on the day of a weekly
    review, the only day its rows can be replaced (a review run again the same day
    replaces that day's rows, found by the layout the last sync remembered). The day is
    the sheet's, not yet known before the read: a review dated yesterday or later in
    UTC terms covers every time zone's today."""
    reviewed = record.last_reviewed_on
    return reviewed is not None and reviewed >= now.date() - timedelta(days=1)


def diff(
    deps: SyncDeps,
    record: MapRecord,
    seen: Seen,
    reported: Sequence[EditEvent] | None = None,
    *,
    sole_change: FileVersion | None = None,
) -> Edits:
    """The changes from the snapshot to the sheet, their authors and the activity dates.
    ``reported``: the trigger's edit reports since the last sync, as loaded (else asked);
    ``sole_change``: the one change Drive's version check before the read says was made
    since the last read, if so (its author is then known without the revision history,
    once Drive confirms the file did not change again before the read ended)."""
    state, sheet = seen.state, seen.sheet
    changes = diff_plans(
        state.plan,
        sheet.plan,
        reason=sheet.reason,
        reason_changed=sheet.reason != state.reason,
        removed={m.id for m in state.removed},
    )
    who = _authors(deps, record, sheet, changes, reported, sole_change)
    activity: dict[str, Any] = {}
    if changes:
        activity["last_edit_on"] = seen.today
        if history.buyer_edited(changes, who, sheet.plan, record.buyer_emails):
            activity["last_buyer_edit_on"] = seen.today
    return Edits(changes, who, activity, replace(record, **activity))


def recompute(seen: Seen, edits: Edits, calibration: Calibration | None = None) -> Recomputed:
    """What the MAP now knows (the reason for change, its cast, the close-date moves, the
    cells it could not read) and the plan computed from it, with the organisation's
    ``calibration`` (None: the built-in priors)."""
    state, sheet, today, record = seen.state, seen.sheet, seen.today, edits.record
    known_owners = state.known_owners
    if today <= record.created_on + timedelta(days=CAST_DAYS):
        known_owners = tuple(dict.fromkeys((*known_owners, *owners_of(sheet.plan.milestones))))
    unreadable = sheet.unreadable
    state = replace(
        state,
        reason=sheet.reason,
        known_owners=known_owners,
        # Once each: a sync redone after a write that never landed finds the same moves.
        close_moves=history.explain_moves(
            tuple(
                dict.fromkeys(
                    (*state.close_moves, *close_date_entries(edits.changes, sheet.plan, on=today))
                )
            ),
            sheet.logged,
            sheet.plan,
        ),
        problems=tuple(u.label for u in unreadable),
        problem_ids=tuple(dict.fromkeys(u.milestone_id for u in unreadable if u.milestone_id)),
    ).with_removed(seen.state.plan, sheet.plan)
    plan = engine_plan(record, state, sheet.plan, calibration)
    return Recomputed(state, plan, with_problems(compute(plan, today), state))


def write(deps: SyncDeps, seen: Seen, edits: Edits, result: Recomputed, now: datetime) -> Written:
    """Write what changed on the sheet, with the history rows (at most one call)."""
    spreadsheet_id = edits.record.spreadsheet_id
    token = uuid.uuid4().hex
    base = history_dedupe_key(seen.state.write_token, plan_to_json(seen.state.plan))
    events = history.store_events(
        spreadsheet_id, edits.changes, edits.who, on=seen.today, at=now, base=base
    )
    rows = history.history_rows(edits.changes, edits.who, events, at=now)
    update = sheet_update(result.plan, result.computed, edits.record, history_rows=rows)
    prepared = deps.sheets.prepare_write(seen.sheet.layout, update)
    if not prepared:
        state = replace(
            result.state,
            plan=seen.sheet.plan,
            computed=result.computed.to_json(),
            sheet=seen.sheet.layout.remembered(),
            next_id=seen.sheet.next_id,
            write_token=seen.token,
        )
        return Written(state, prepared, events)
    state = write_guarded(
        deps.store,
        deps.sheets,
        spreadsheet_id,
        result.state,
        prepared,
        plan=result.plan,
        computed=result.computed,
        events=events,
        next_id=seen.sheet.next_id,
        given_ids=list(seen.sheet.given_ids),
        token=token,
    )
    return Written(state, prepared, events)


def save(
    deps: SyncDeps,
    loaded: MapState,
    edits: Edits,
    computed: ComputedPlan,
    written: Written,
    now: datetime,
    *,
    drive_version: str | None = None,
) -> None:
    """Record the history, the new snapshot (when it changed), the MAP's summary and the
    Drive version the sheet was read at."""
    spreadsheet_id = edits.record.spreadsheet_id
    store = deps.store
    # One transaction (with the lease's release, under a lease): a failure part-way (a
    # lost connection, a killed process) leaves the store as it was, and the write
    # stamped on the sheet carries a token the store does not know, so the next sync
    # finds its History rows by their event ids and records each change once.
    saved = None
    with recording(deps):
        if written.events:
            store.record_history(written.events)
        crash_point("store")
        if written.write or written.state != loaded:
            saved = store.save_snapshot(spreadsheet_id, **written.state.snapshot())
        store.record_map_changes(
            spreadsheet_id,
            **edits.activity,
            **summary_fields(computed, written.state.plan),
            last_synced_at=now,
            last_read_at=now,
            drive_version=drive_version,
        )
    if saved is not None:  # recorded: the next sync here starts from it, as it is
        KNOWN_STATES.keep(spreadsheet_id, saved.stamp, written.state.as_stored())


def sheet_update(
    plan: Plan,
    computed: ComputedPlan,
    record: MapRecord,
    *,
    history_rows: Sequence[Sequence[str]] = (),
    review_rows: Sequence[Sequence[str]] = (),
    review_on: date | None = None,
) -> SheetUpdate:
    """What the sheet shows for ``computed`` (with its Timeline), with rows for the
    History and Reviews tabs."""
    return SheetUpdate(
        computed=computed,
        milestones=plan.milestones,
        last_review=record.last_reviewed_on,
        history_rows=history_rows,
        review_rows=review_rows,
        review_on=review_on,
        timeline=timeline(plan, computed),
    )


def engine_plan(
    record: MapRecord, state: MapState, plan: Plan, calibration: Calibration | None = None
) -> Plan:
    """The plan as the engine sees it: people's inputs plus the MAP's activity dates, the
    recorded go-live and signature moves and the organisation's calibration."""
    return replace(
        plan,
        calibration=calibration,
        country=record.country or plan.country,
        created_on=record.created_on,
        shared_on=record.shared_on,
        last_edit_on=record.last_edit_on,
        last_buyer_edit_on=record.last_buyer_edit_on,
        last_reviewed_on=record.last_reviewed_on,
        known_owners=state.known_owners,
        history=tuple(
            HistoryEntry(on=m.on, field=m.field, old=m.old, new=m.new, reason=m.reason)
            for m in state.close_moves
        ),
    )


def with_problems(computed: ComputedPlan, state: MapState) -> ComputedPlan:
    """``computed`` with INVALID_INPUT for the cells the last read could not read."""
    if not state.problems:
        return computed
    return with_extra_risks(computed, [invalid_input_risk(list(state.problems), state.problem_ids)])


def summary_fields(computed: ComputedPlan, plan: Plan) -> dict[str, Any]:
    """The MAP record's pipeline fields for ``computed`` (of ``plan``)."""
    signature = computed.forecast.signature
    return {
        "forecast": computed.forecast.to_json(),
        "p_signature_quarter": None if signature is None else signature.p_this_quarter,
        "signature_target": _signature_target(computed, plan),
        "quarter_end": quarter_end(computed.today, plan.quarter_start_month),
        "committed_go_live": computed.committed_go_live,
        "projected_go_live": computed.projected_go_live,
        "slip_bd": computed.slip_bd,
        "health_score": computed.health.score,
        "health_label": computed.health.label,
        "top_risks": [
            {"code": r.code, "severity": r.severity.value, "message": r.message}
            for r in computed.risks[:3]
        ],
    }


def _signature_target(computed: ComputedPlan, plan: Plan) -> date | None:
    """The committed date of the signature the forecast is about (the first kind
    "signature" not N/A): the date a rep would commit the deal by."""
    signature = next(
        (m.id for m in plan.milestones if m.kind is Kind.SIGNATURE and not m.is_not_applicable),
        None,
    )
    return next((m.target for m in computed.milestones if m.id == signature), None)


def load(store: Store, spreadsheet_id: str) -> tuple[MapRecord, MapState]:
    """The MAP's record and snapshot (parsed), in one read-only store transaction."""
    with store.reading():
        record = store.get_map(spreadsheet_id)
        state = load_state(store, spreadsheet_id)
    if record is None or state is None:
        raise MapNotFound(spreadsheet_id)
    return record, state


def _authors(
    deps: SyncDeps,
    record: MapRecord,
    sheet: SheetPlan,
    changes: Sequence[Change],
    reported: Sequence[EditEvent] | None = None,
    sole_change: FileVersion | None = None,
) -> list[str]:
    """Who made each change: the add-on's trigger, else Drive (one more call, only when a
    change has no author from the trigger): when the version check before the read named
    the one change made since (``sole_change``), a second version check that finds the
    file still at that version; else (or when it does not) the revision history. The
    trigger's reports are those loaded with the record (``reported``), else asked for
    here."""
    if not changes:
        return []
    since = record.last_synced_at or record.created_at
    if reported is None:
        reported = deps.store.edit_events_since(record.spreadsheet_id, since)
    who = history.authors(changes, list(reported), sheet.layout)
    if all(who):
        return who
    only = versions.only_change(deps.sheets, record.spreadsheet_id, sole_change)
    if only is not None:
        revisions = [only]
    else:
        read_since = record.last_read_at or since
        revisions = deps.sheets.revisions(record.spreadsheet_id, since=read_since)
    return history.from_revisions(changes, who, revisions, sheet.plan, record.buyer_emails)
