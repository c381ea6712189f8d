"""What a sync reads of a MAP before it reads the sheet, in one statement: the MAP's
record, its latest snapshot (only its stamp when the caller holds that snapshot), its
organisation's calibration and whether any edit reported by the add-on is kept for it.

Three statements before (``get_map``, ``latest_snapshot_unless``, ``get_calibration``),
each a round of SQLAlchemy's execution and result machinery, most of a sync's load; the
rows are the same, joined to the MAP's row (each MAP has one latest snapshot at most and
its organisation one calibration at most, so the join gives one row per MAP).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    null,
    select,
    type_coerce,
)

from service.store import driver_sql
from service.store.base import StoreBase
from service.store.maps import _to_record as map_record
from service.store.records import MapRecord, OrgCalibration, Snapshot
from service.store.tables import EditEventRow, MapRow, OrgCalibrationRow, SnapshotRow


@dataclass(frozen=True)
class SyncRows:
    """A MAP's rows as a sync loads them."""

    record: MapRecord
    # As ``latest_snapshot_unless``: None when the MAP has no snapshot, the stamp alone
    # when it is the one the caller holds.
    snapshot: Snapshot | str | None
    calibration: OrgCalibration | None  # None: the organisation has none
    # Whether the store keeps any edit reported by the add-on's trigger for the MAP: when
    # it keeps none (the MAPs whose people do not use the add-on), there are none since
    # the last sync either, and a sync need not ask for them.
    has_edit_events: bool


@cache
def _sync_rows() -> Select[Any]:
    maps = cast(Table, MapRow.__table__)
    snapshots = cast(Table, SnapshotRow.__table__)
    calibrations = cast(Table, OrgCalibrationRow.__table__)
    edits = cast(Table, EditEventRow.__table__)
    versions = snapshots.alias("versions")
    latest = (
        select(func.max(versions.c.version))
        .where(versions.c.spreadsheet_id == maps.c.spreadsheet_id)
        .correlate(maps)
        .scalar_subquery()
    )
    held = snapshots.c.stamp == bindparam("stamp")
    documents = [
        type_coerce(case((held, null()), else_=column), column.type).label(f"snapshot_{name}")
        for name, column in (
            ("plan", snapshots.c.plan),
            ("computed", snapshots.c.computed),
            ("sheet_state", snapshots.c.sheet_state),
        )
    ]
    joined = maps.outerjoin(
        snapshots,
        and_(snapshots.c.spreadsheet_id == maps.c.spreadsheet_id, snapshots.c.version == latest),
    ).outerjoin(calibrations, calibrations.c.org == maps.c.org)
    return (
        select(
            maps,
            snapshots.c.version.label("snapshot_version"),
            snapshots.c.taken_at.label("snapshot_taken_at"),
            snapshots.c.stamp.label("snapshot_stamp"),
            *documents,
            calibrations.c.org.label("calibration_org"),
            calibrations.c.plans.label("calibration_plans"),
            calibrations.c.calibration.label("calibration_document"),
            calibrations.c.built_at.label("calibration_built_at"),
            exists()
            .where(edits.c.spreadsheet_id == maps.c.spreadsheet_id)
            .correlate(maps)
            .label("has_edit_events"),
        )
        .select_from(joined)
        .where(maps.c.spreadsheet_id == bindparam("spreadsheet_id"))
    )


class SyncInputs(StoreBase):
    def sync_rows(self, spreadsheet_id: str, stamp: str | None) -> SyncRows | None:
        """The MAP's record, latest snapshot and calibration (one statement); None when
        there is no such MAP. ``stamp``: that of the snapshot the caller holds, if any."""
        statement = _sync_rows()
        with self._read_connection() as connection:
            result = driver_sql.execute(
                connection, statement, {"spreadsheet_id": spreadsheet_id, "stamp": stamp}
            )
            found = driver_sql.rows(connection, result, statement)
        if not found:
            return None
        row = found[0]
        return SyncRows(
            map_record(row), _snapshot(row, stamp), _calibration(row), bool(row.has_edit_events)
        )


def _snapshot(row: Any, stamp: str | None) -> Snapshot | str | None:
    if row.snapshot_version is None:
        return None
    if stamp is not None and row.snapshot_stamp == stamp:
        return stamp
    return Snapshot(
        spreadsheet_id=row.spreadsheet_id,
        version=row.snapshot_version,
        taken_at=row.snapshot_taken_at,
        plan=row.snapshot_plan,
        computed=row.snapshot_computed,
        sheet_state=row.snapshot_sheet_state,
        stamp=row.snapshot_stamp,
    )


def _calibration(row: Any) -> OrgCalibration | None:
    if row.calibration_org is None:
        return None
    return OrgCalibration(
        org=row.calibration_org,
        plans=row.calibration_plans,
        calibration=row.calibration_document,
        built_at=row.calibration_built_at,
    )
