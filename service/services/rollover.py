"""Recomputing a MAP without reading its sheet (DESIGN I8).

At midnight an open milestone whose target has passed turns Overdue: nothing on the sheet
changed, only the date. :func:`rollover_map` recomputes from the stored snapshot and
writes only the cells that change, against the layout remembered from the last read.
It reads the sheet instead when the MAP's weekly reconciliation is due (its own hour of
the week, ``reconciliation.py``), when a write's outcome is pending, when rows moved
since we last looked, or when it has something to write and the file's Drive version is
not the one the last sync recorded: the file changed since, by a person's edit not yet
synced or by a write of ours whose record was lost (the process died, the store failed),
and a write from the stored state would stamp a new token over that write's, hiding
from the next sync the History rows it left (docs/sync.md, "Invariants after a crash").
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from service.clock import local_today
from service.domain.calibration import Calibration
from service.domain.compute import compute
from service.services import versions
from service.services.calibrate import org_calibration
from service.services.guarded_write import write_guarded
from service.services.map_state import MapState
from service.services.reconciliation import reconciliation_due
from service.services.sync import (
    SyncDeps,
    SyncResult,
    engine_plan,
    load_inputs,
    recording,
    sheet_update,
    summary_fields,
    sync_map,
    with_problems,
)
from service.sheets.errors import LayoutChanged, TabMissing
from service.store.records import MapRecord


class ChangedSinceRead(Exception):
    """The file changed since the last sync recorded its version: read it, do not write
    from the stored state."""


class Unloaded:
    """Not loaded yet (a calibration of None means the built-in priors)."""


UNLOADED = Unloaded()


def rollover_map(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    loaded = load_inputs(deps.store, spreadsheet_id)
    record, state = loaded.record, loaded.state
    stale = reconciliation_due(spreadsheet_id, record.last_read_at, deps.now())
    if state.pending is not None or stale or not state.sheet:
        return sync_map(deps, spreadsheet_id, loaded=loaded)
    try:
        return recompute_from_state(
            deps, record, state, calibration=loaded.calibration, unchanged_file_only=True
        )
    except ChangedSinceRead:
        return sync_map(deps, spreadsheet_id, loaded=loaded)
    except (LayoutChanged, TabMissing):
        # Rows moved, or a tab was renamed or deleted: a sync reads (restoring tabs).
        return sync_map(deps, spreadsheet_id)


def recompute_from_state(
    deps: SyncDeps,
    record: MapRecord,
    state: MapState,
    *,
    review_rows: Sequence[Sequence[str]] = (),
    review_on: date | None = None,
    calibration: Calibration | Unloaded | None = UNLOADED,
    unchanged_file_only: bool = False,
) -> SyncResult:
    """Recompute from what we know and write what changed, plus ``review_rows`` on the
    Reviews tab, against the layout the last read or write left.
    :class:`LayoutChanged` if rows moved since. ``calibration``: the organisation's, when
    the caller has loaded it already (else asked here). ``unchanged_file_only``: when
    there is something to write and the file's Drive version is not the recorded one,
    :class:`ChangedSinceRead` instead (nothing written or stored)."""
    now = deps.now()
    layout = deps.sheets.recall(state.sheet)
    today = local_today(now, layout.time_zone)
    if isinstance(calibration, Unloaded):
        calibration = org_calibration(deps.store, record.org)
    plan = engine_plan(record, state, state.plan, calibration)
    computed = with_problems(compute(plan, today), state)
    write = deps.sheets.prepare_write(
        layout, sheet_update(plan, computed, record, review_rows=review_rows, review_on=review_on)
    )
    new_state = replace(state, computed=computed.to_json())
    version = record.drive_version
    if write:
        before = versions.file_version(deps.sheets, record.spreadsheet_id)
        if unchanged_file_only and before is not None and before != record.drive_version:
            raise ChangedSinceRead(record.spreadsheet_id)
        new_state = write_guarded(
            deps.store,
            deps.sheets,
            record.spreadsheet_id,
            new_state,
            write,
            plan=state.plan,
            computed=computed,
            events=[],
            next_id=state.next_id,
            given_ids=[],
            token=uuid.uuid4().hex,
        )
        if before is not None and before == record.drive_version:
            # Nobody changed the file since the last read: our write alone moves it on.
            version = versions.after_own_write(deps.sheets, record.spreadsheet_id, before)
    with recording(deps):
        if write or new_state != state:
            deps.store.save_snapshot(record.spreadsheet_id, **new_state.snapshot())
        deps.store.record_map_changes(
            record.spreadsheet_id,
            **summary_fields(computed, plan),
            drive_version=version,
            last_synced_at=now,
        )
    return SyncResult(
        record.spreadsheet_id,
        computed,
        read=False,
        wrote=bool(write),
        changes=0,
        cells_written=write.cells_written,
    )
