"""Recomputing a MAP without reading its sheet (DESIGN I8).

At midnight an open milestone whose target has passed turns Overdue: nothing on the sheet
changed, only the date. :func:`rollover_map` recomputes from the stored snapshot and
writes only the cells that change, against the layout remembered from the last read.
It reads the sheet instead when a week has passed since the last read (reconciliation),
when a write's outcome is pending, or when rows moved since we last looked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from service.domain.compute import compute
from service.services.guarded_write import write_guarded
from service.services.map_state import MapState
from service.services.sync import (
    SyncDeps,
    SyncResult,
    engine_plan,
    load,
    local_today,
    plan_cells,
    summary_fields,
    sync_map,
    with_problems,
)
from service.sheets.errors import LayoutChanged
from service.sheets.sheet_state import from_state
from service.store.records import MapRecord

RECONCILE_AFTER = timedelta(days=7)


def rollover_map(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    record, state = load(deps.store, spreadsheet_id)
    last_read = record.last_read_at
    stale = last_read is None or deps.now() - last_read >= RECONCILE_AFTER
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
    """Recompute from what we know and write what changed, plus ``review_rows`` on the
    Reviews tab. :class:`LayoutChanged` if rows moved since the last read."""
    now = deps.now()
    read = from_state(state.sheet)
    read.write_token = state.write_token
    today = local_today(now, state.sheet.get("time_zone", "Etc/GMT"))
    plan = engine_plan(record, state, state.plan)
    computed = with_problems(compute(plan, today), state)
    row_of = {r.id: r.row for r in read.rows if r.id}
    write = plan_cells(read, plan, computed, row_of, record, review_rows=review_rows)
    new_state = replace(state, computed=computed.to_json())
    if write:
        new_state = write_guarded(
            deps.store,
            deps.gateway,
            read,
            new_state,
            write,
            plan=state.plan,
            computed=computed,
            events=[],
            next_id=state.next_id,
            new_ids=[],
        )
    if new_state != state:
        deps.store.save_snapshot(record.spreadsheet_id, **new_state.snapshot())
    deps.store.update_map(record.spreadsheet_id, **summary_fields(computed), last_synced_at=now)
    return SyncResult(
        record.spreadsheet_id,
        computed,
        read=False,
        wrote=bool(write),
        changes=0,
        cells_written=write.cells_written,
    )
