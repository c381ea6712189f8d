"""The one idempotent use case every change path calls: bring a MAP up to date.

``sync_map``: read the sheet (one call) -> parse what people typed -> diff against the
last snapshot (history) -> compute -> write computed cells, notes, new IDs and history
(at most one call; none when nothing changed) -> store the new snapshot.

Safety (DESIGN section 2):
- I2: only computed cells, the backend's own notes, row metadata and the empty ID cell of
  a new row are written; the write is planned against the cells as read.
- I3: the write asks Google for the key cells as they stand right after it; if rows moved
  between our read and write, :class:`LayoutChanged` is raised and the sync runs again
  (up to ``MAX_LAYOUT_RETRIES`` times), which puts every computed cell back on its row.
- Exactly-once history (I7): each write also stamps a write token on the spreadsheet. When
  Google fails mid-write (5xx, dropped connection) the outcome is unknown, so the write is
  kept as *pending*; the next read sees from the token whether it landed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.domain.compute import compute
from service.domain.history import close_date_entries, diff_plans, owners_of
from service.domain.model import ComputedPlan, HistoryEntry, Plan
from service.domain.parse import plan_to_json
from service.domain.risks import invalid_input_risk, with_extra_risks
from service.services import changes as history
from service.services.map_state import MapState, PendingWrite
from service.services.sheet_plan import plan_from_sheet, problem_labels, problem_notes
from service.sheets import layout
from service.sheets import requests as rq
from service.sheets.errors import GoogleUnavailable, LayoutChanged
from service.sheets.gateway import SheetsGateway
from service.sheets.reader import SheetRead, read_plan, spreadsheet_time_zone
from service.sheets.render import header_cells, milestone_cells
from service.sheets.sheet_state import from_state, to_state
from service.sheets.writer import WritePlan, check_written, plan_write, verify_ranges
from service.store.errors import MapNotFound
from service.store.records import MapRecord
from service.store.store import Store

MAX_LAYOUT_RETRIES = 3
# Owners seen in a MAP's first week are its cast; later newcomers are NEW_STAKEHOLDERs
# until a weekly review acknowledges them.
CAST_DAYS = 7
RECONCILE_AFTER = timedelta(days=7)


@dataclass
class SyncDeps:
    store: Store
    gateway: SheetsGateway
    now: Callable[[], datetime]


@dataclass(frozen=True)
class SyncResult:
    spreadsheet_id: str
    computed: ComputedPlan
    read: bool
    wrote: bool
    changes: int
    cells_written: int


def sync_map(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    """Read, recompute and write one MAP; runs again when rows moved under the write."""
    for attempt in range(MAX_LAYOUT_RETRIES + 1):
        try:
            return _sync_once(deps, spreadsheet_id)
        except LayoutChanged:
            if attempt == MAX_LAYOUT_RETRIES:
                raise
    raise AssertionError("unreachable")


def rollover_map(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    """Recompute for today from the stored snapshot, without reading the sheet (I8).

    Falls back to a full sync when a write's outcome is pending, when the sheet was not
    read for a week (the reconciliation read), or when rows moved since we last looked.
    """
    record = _record(deps.store, spreadsheet_id)
    state = _state(deps.store, spreadsheet_id)
    stale = record.last_read_at is None or deps.now() - record.last_read_at >= RECONCILE_AFTER
    if state.pending is not None or stale or not state.sheet:
        return sync_map(deps, spreadsheet_id)
    try:
        return recompute_from_state(deps, record, state)
    except LayoutChanged:
        return sync_map(deps, spreadsheet_id)


def recompute_from_state(
    deps: SyncDeps,
    record: MapRecord,
    state: MapState,
    *,
    review_rows: Sequence[Sequence[str]] = (),
) -> SyncResult:
    """Recompute from what we know (no read) and write what changed on the sheet, plus
    ``review_rows`` on the Reviews tab. :class:`LayoutChanged` if rows moved since."""
    now = deps.now()
    read = from_state(state.sheet)
    read.write_token = state.write_token
    today = _today(now, state.sheet.get("time_zone", "Etc/GMT"))
    plan = _engine_plan(deps.store, record, state.plan, state.known_owners, [], today)
    computed = _with_problems(compute(plan, today), state)
    row_of = {r.id: r.row for r in read.rows if r.id}
    write = _plan(read, plan, computed, row_of, {}, None, record)
    if review_rows and layout.REVIEWS_TAB in read.sheet_ids:
        write.requests.append(rq.append_text_rows(read.sheet_ids[layout.REVIEWS_TAB], review_rows))
    new_state = replace(state, computed=computed.to_json())
    if write:
        new_state = _write(deps, read, new_state, write, plan, computed, [], state.next_id, [])
    if new_state != state:
        deps.store.save_snapshot(record.spreadsheet_id, **new_state.snapshot())
    _update_record(deps.store, record, computed, now, read_sheet=False)
    return SyncResult(
        record.spreadsheet_id,
        computed,
        read=False,
        wrote=bool(write),
        changes=0,
        cells_written=write.cells_written,
    )


def _sync_once(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    store = deps.store
    record = _record(store, spreadsheet_id)
    state = _state(store, spreadsheet_id)
    grid = deps.gateway.read_map(spreadsheet_id)
    now = deps.now()
    today = _today(now, spreadsheet_time_zone(grid))
    read = read_plan(grid, today=today)
    state = _resolve_pending(store, spreadsheet_id, state, read)

    sheet_plan = plan_from_sheet(read, state.plan, next_id=state.next_id, reason=state.reason)
    found = diff_plans(
        state.plan,
        sheet_plan.plan,
        reason=sheet_plan.reason,
        reason_changed=sheet_plan.reason != state.reason,
    )
    since = record.last_synced_at or record.created_at
    header_rows = {k: pos[0] for k, pos in read.header_cells.items()}
    who = history.authors(
        found,
        store.edit_events_since(spreadsheet_id, since),
        sheet_plan.row_of,
        header_rows,
        layout.PLAN_TAB,
    )
    if found:
        edited = {"last_edit_on": today}
        if history.buyer_edited(found, who, sheet_plan.plan, record.buyer_emails):
            edited["last_buyer_edit_on"] = today
        record = store.update_map(spreadsheet_id, **edited)  # type: ignore[arg-type]

    known_owners = state.known_owners
    if today <= record.created_on + timedelta(days=CAST_DAYS):
        known_owners = tuple(dict.fromkeys((*known_owners, *owners_of(sheet_plan.plan.milestones))))
    new_entries = close_date_entries(found, sheet_plan.plan, on=today)
    plan = _engine_plan(store, record, sheet_plan.plan, known_owners, new_entries, today)
    computed = compute(plan, today)
    problems = sheet_plan.problems
    if problems:
        ids = tuple(dict.fromkeys(p.milestone_id for p in problems if p.milestone_id))
        computed = with_extra_risks(
            computed, [invalid_input_risk(problem_labels(problems, plan), ids)]
        )

    write = _plan(
        read,
        plan,
        computed,
        sheet_plan.row_of,
        sheet_plan.new_ids,
        problem_notes(problems),
        record,
        history.history_rows(found, who, at=now) if found else [],
    )
    state = replace(
        state,
        reason=sheet_plan.reason,
        known_owners=known_owners,
        extra={
            "problems": problem_labels(problems, plan),
            "problem_ids": [p.milestone_id for p in problems],
        },
    )
    token = uuid.uuid4().hex
    events = history.store_events(spreadsheet_id, found, who, on=today, at=now, write_token=token)
    if write:
        new_ids = list(sheet_plan.new_ids.values())
        new_state = _write(
            deps,
            read,
            state,
            write,
            plan,
            computed,
            events,
            sheet_plan.next_id,
            new_ids,
            token=token,
        )
    else:
        new_state = replace(
            state,
            plan=sheet_plan.plan,
            computed=computed.to_json(),
            sheet=_remember(read, None),
            next_id=sheet_plan.next_id,
        )
    store.append_history(events)
    store.save_snapshot(spreadsheet_id, **new_state.snapshot())
    _update_record(store, record, computed, now, read_sheet=True)
    return SyncResult(
        spreadsheet_id,
        computed,
        read=True,
        wrote=bool(write),
        changes=len(found),
        cells_written=write.cells_written,
    )


def _plan(
    read: SheetRead,
    plan: Plan,
    computed: ComputedPlan,
    row_of: dict[str, int],
    new_ids: dict[int, str],
    notes: dict[tuple[int, int], str] | None,
    record: MapRecord,
    history_rows: list[list[str]] | None = None,
) -> WritePlan:
    cells = milestone_cells(computed)
    return plan_write(
        read,
        milestones={row: (mid, cells[mid]) for mid, row in row_of.items() if mid in cells},
        header=header_cells(computed, plan.milestones, last_review=record.last_reviewed_on),
        new_ids=new_ids,
        notes=notes if notes is not None else {},
        history_rows=history_rows or [],
    )


def _write(
    deps: SyncDeps,
    read: SheetRead,
    state: MapState,
    write: WritePlan,
    plan: Plan,
    computed: ComputedPlan,
    events: list,  # type: ignore[type-arg]
    next_id: int,
    new_ids: list[str],
    *,
    token: str | None = None,
) -> MapState:
    """Make the write; return the state it leaves (see the module docstring)."""
    token = token or uuid.uuid4().hex
    token_request = (
        rq.set_spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
        if read.write_token is not None
        else rq.spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
    )
    pending = PendingWrite(
        token=token,
        plan=plan_to_json(plan),
        computed=computed.to_json(),
        sheet=_remember(read, write),
        events=[_event_json(e) for e in events],
        next_id=next_id,
        new_ids=new_ids,
    )
    try:
        response = deps.gateway.batch_update(
            read.spreadsheet_id,
            [*write.requests, token_request],
            response_ranges=verify_ranges(write),
        )
    except GoogleUnavailable:
        # Applied or not, we cannot tell: keep it pending; the next read decides.
        deps.store.save_snapshot(read.spreadsheet_id, **replace(state, pending=pending).snapshot())
        raise
    applied = replace(state, pending=pending).confirm_pending()
    try:
        check_written(response, write)
    except LayoutChanged:
        # The write landed, on moved rows. Keep what it recorded, but not the IDs it gave
        # new rows (they may sit on the wrong rows now): the next read re-identifies them.
        kept = tuple(m for m in applied.plan.milestones if m.id not in set(new_ids))
        deps.store.append_history(
            [e for e in events if not (e.field == "milestone" and e.milestone_id in new_ids)]
        )
        deps.store.save_snapshot(
            read.spreadsheet_id,
            **replace(applied, plan=replace(applied.plan, milestones=kept)).snapshot(),
        )
        raise
    return applied


def _resolve_pending(
    store: Store, spreadsheet_id: str, state: MapState, read: SheetRead
) -> MapState:
    if state.pending is None:
        return state
    if read.write_token == state.pending.token:
        confirmed = state.confirm_pending()
        from service.store.records import NewHistoryEvent

        store.append_history([NewHistoryEvent(**_event_from_json(e)) for e in state.pending.events])
        store.save_snapshot(spreadsheet_id, **confirmed.snapshot())
        return confirmed
    return replace(state, pending=None)


def _engine_plan(
    store: Store,
    record: MapRecord,
    plan: Plan,
    known_owners: tuple[str, ...],
    new_entries: list[HistoryEntry],
    today: date,
) -> Plan:
    """The plan as the engine sees it: people's inputs plus the MAP's activity dates and
    the recorded go-live and signature moves."""
    entries = [
        HistoryEntry(on=e.on, field=e.field, old=e.old, new=e.new, reason=e.reason)
        for e in store.history(record.spreadsheet_id)
        if e.field in ("go_live", "signature")
    ]
    return replace(
        plan,
        country=record.country or plan.country,
        created_on=record.created_on,
        shared_on=record.shared_on,
        last_edit_on=record.last_edit_on,
        last_buyer_edit_on=record.last_buyer_edit_on,
        last_reviewed_on=record.last_reviewed_on,
        known_owners=known_owners,
        history=(*entries, *new_entries),
    )


def _with_problems(computed: ComputedPlan, state: MapState) -> ComputedPlan:
    labels = state.extra.get("problems") or []
    if not labels:
        return computed
    ids = tuple(dict.fromkeys(i for i in state.extra.get("problem_ids", []) if i))
    return with_extra_risks(computed, [invalid_input_risk(labels, ids)])


def _update_record(
    store: Store, record: MapRecord, computed: ComputedPlan, now: datetime, *, read_sheet: bool
) -> None:
    changes = {
        "committed_go_live": computed.committed_go_live,
        "projected_go_live": computed.projected_go_live,
        "slip_bd": computed.slip_bd,
        "health_score": computed.health.score,
        "health_label": computed.health.label,
        "top_risks": [
            {"code": r.code, "severity": r.severity.value, "message": r.message}
            for r in computed.risks[:3]
        ],
        "last_synced_at": now,
    }
    if read_sheet:
        changes["last_read_at"] = now
    store.update_map(record.spreadsheet_id, **changes)  # type: ignore[arg-type]


def _remember(read: SheetRead, write: WritePlan | None) -> dict:  # type: ignore[type-arg]
    state = to_state(read, write)
    state["time_zone"] = read.time_zone
    return state


def _record(store: Store, spreadsheet_id: str) -> MapRecord:
    record = store.get_map(spreadsheet_id)
    if record is None:
        raise MapNotFound(spreadsheet_id)
    return record


def _state(store: Store, spreadsheet_id: str) -> MapState:
    snapshot = store.latest_snapshot(spreadsheet_id)
    if snapshot is None:
        raise MapNotFound(spreadsheet_id)
    return MapState.from_snapshot(snapshot)


def _today(now: datetime, time_zone: str) -> date:
    """Today in the spreadsheet's time zone (a plan's days are its owner's days)."""
    try:
        return now.astimezone(ZoneInfo(time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()


def _event_json(event) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {
        "spreadsheet_id": event.spreadsheet_id,
        "on": event.on.isoformat(),
        "field": event.field,
        "old": event.old,
        "new": event.new,
        "source": str(event.source),
        "dedupe_key": event.dedupe_key,
        "actor": event.actor,
        "milestone_id": event.milestone_id,
        "reason": event.reason,
        "at": event.at.isoformat() if event.at else None,
    }


def _event_from_json(data: dict) -> dict:  # type: ignore[type-arg]
    from service.store.records import HistorySource

    return {
        **data,
        "on": date.fromisoformat(data["on"]),
        "source": HistorySource(data["source"]),
        "at": datetime.fromisoformat(data["at"]) if data.get("at") else None,
    }
