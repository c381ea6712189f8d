"""The one idempotent use case every change path calls: bring a MAP up to date.

``sync_map``: read the sheet (one call) -> parse what people typed -> diff against the
last snapshot (history) -> compute -> write computed cells, notes, new IDs and history
(at most one call, none when nothing changed; see ``guarded_write``) -> store the new
snapshot and the MAP's summary.

Only computed cells, the backend's own notes, row metadata and the empty ID cell of a new
row are written (DESIGN I2); the write is planned against the cells as read, so an
unchanged sync writes nothing (I1).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.domain.compute import compute
from service.domain.history import close_date_entries, diff_plans, owners_of
from service.domain.model import ComputedPlan, HistoryEntry, Plan
from service.domain.risks import invalid_input_risk, with_extra_risks
from service.services import changes as history
from service.services.guarded_write import adopt_pending, remember, write_guarded
from service.services.map_state import MapState
from service.services.sheet_plan import plan_from_sheet, problem_labels, problem_notes
from service.sheets import layout
from service.sheets.errors import LayoutChanged
from service.sheets.gateway import SheetsGateway
from service.sheets.reader import SheetRead, read_plan, spreadsheet_time_zone
from service.sheets.render import header_cells, milestone_cells
from service.sheets.writer import WritePlan, plan_write
from service.store.errors import MapNotFound
from service.store.records import MapRecord
from service.store.store import Store

MAX_LAYOUT_RETRIES = 3
# Owners seen in a MAP's first week are its cast; later newcomers are NEW_STAKEHOLDERs
# until a weekly review acknowledges them.
CAST_DAYS = 7


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


def _sync_once(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    store = deps.store
    record, loaded = load(store, spreadsheet_id)
    grid = deps.gateway.read_map(spreadsheet_id)
    now = deps.now()
    today = local_today(now, spreadsheet_time_zone(grid))
    read = read_plan(grid, today=today)
    state = adopt_pending(store, spreadsheet_id, loaded, read)

    sheet_plan = plan_from_sheet(read, state.plan, next_id=state.next_id, reason=state.reason)
    found = diff_plans(
        state.plan,
        sheet_plan.plan,
        reason=sheet_plan.reason,
        reason_changed=sheet_plan.reason != state.reason,
    )
    who = _authors(store, record, read, sheet_plan.row_of, found)
    activity: dict[str, Any] = {}
    if found:
        activity["last_edit_on"] = today
        if history.buyer_edited(found, who, sheet_plan.plan, record.buyer_emails):
            activity["last_buyer_edit_on"] = today
    record = replace(record, **activity)

    known_owners = state.known_owners
    if today <= record.created_on + timedelta(days=CAST_DAYS):
        current = owners_of(sheet_plan.plan.milestones)
        known_owners = tuple(dict.fromkeys((*known_owners, *current)))
    moves = (*state.close_moves, *close_date_entries(found, sheet_plan.plan, on=today))
    problems = sheet_plan.problems
    labels = tuple(problem_labels(problems, sheet_plan.plan))
    ids = tuple(dict.fromkeys(p.milestone_id for p in problems if p.milestone_id))
    state = replace(
        state,
        reason=sheet_plan.reason,
        known_owners=known_owners,
        close_moves=moves,
        problems=labels,
        problem_ids=ids,
    )
    plan = engine_plan(record, state, sheet_plan.plan)
    computed = with_problems(compute(plan, today), state)

    write = plan_cells(
        read,
        plan,
        computed,
        sheet_plan.row_of,
        record,
        new_ids=sheet_plan.new_ids,
        notes=problem_notes(problems),
        history_rows=history.history_rows(found, who, at=now) if found else [],
    )
    token = uuid.uuid4().hex
    events = history.store_events(spreadsheet_id, found, who, on=today, at=now, write_token=token)
    if write:
        new_state = write_guarded(
            store,
            deps.gateway,
            read,
            state,
            write,
            plan=plan,
            computed=computed,
            events=events,
            next_id=sheet_plan.next_id,
            new_ids=list(sheet_plan.new_ids.values()),
            token=token,
        )
    else:
        new_state = replace(
            state,
            plan=sheet_plan.plan,
            computed=computed.to_json(),
            sheet=remember(read, None),
            next_id=sheet_plan.next_id,
        )
    if events:
        store.append_history(events)
    if new_state != loaded:
        store.save_snapshot(spreadsheet_id, **new_state.snapshot())
    store.update_map(
        spreadsheet_id, **activity, **summary_fields(computed), last_synced_at=now, last_read_at=now
    )
    return SyncResult(
        spreadsheet_id,
        computed,
        read=True,
        wrote=bool(write),
        changes=len(found),
        cells_written=write.cells_written,
    )


def plan_cells(
    read: SheetRead,
    plan: Plan,
    computed: ComputedPlan,
    row_of: dict[str, int],
    record: MapRecord,
    *,
    new_ids: dict[int, str] | None = None,
    notes: dict[tuple[int, int], str] | None = None,
    history_rows: Sequence[Sequence[str]] = (),
    review_rows: Sequence[Sequence[str]] = (),
) -> WritePlan:
    """The write that makes the sheet show ``computed``."""
    cells = milestone_cells(computed)
    return plan_write(
        read,
        milestones={row: (mid, cells[mid]) for mid, row in row_of.items() if mid in cells},
        header=header_cells(computed, plan.milestones, last_review=record.last_reviewed_on),
        new_ids=new_ids or {},
        notes=notes or {},
        history_rows=history_rows,
        review_rows=review_rows,
    )


def engine_plan(record: MapRecord, state: MapState, plan: Plan) -> Plan:
    """The plan as the engine sees it: people's inputs plus the MAP's activity dates and
    the recorded go-live and signature moves."""
    return replace(
        plan,
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


def summary_fields(computed: ComputedPlan) -> dict[str, Any]:
    """The MAP record's pipeline fields for ``computed``."""
    return {
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


def load(store: Store, spreadsheet_id: str) -> tuple[MapRecord, MapState]:
    record = store.get_map(spreadsheet_id)
    snapshot = store.latest_snapshot(spreadsheet_id)
    if record is None or snapshot is None:
        raise MapNotFound(spreadsheet_id)
    return record, MapState.from_snapshot(snapshot)


def local_today(now: datetime, time_zone: str) -> date:
    """Today in the spreadsheet's time zone (a plan's days are its owner's days)."""
    try:
        return now.astimezone(ZoneInfo(time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()


def _authors(
    store: Store,
    record: MapRecord,
    read: SheetRead,
    row_of: dict[str, int],
    found: Sequence[Any],
) -> list[str]:
    if not found:
        return []
    since = record.last_synced_at or record.created_at
    header_rows = {k: pos[0] for k, pos in read.header_cells.items()}
    events = store.edit_events_since(record.spreadsheet_id, since)
    return history.authors(found, events, row_of, header_rows, layout.PLAN_TAB)
