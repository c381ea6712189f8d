"""Snapshots: the last known state of each MAP's sheet, the base of the next diff (I8)."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Delete,
    Insert,
    Select,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    null,
    select,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError

from service.store import driver_sql
from service.store.base import StoreBase
from service.store.errors import MapNotFound
from service.store.records import Snapshot
from service.store.tables import SnapshotRow


def _to_record(row: Any) -> Snapshot:
    """The record of a snapshot row (an ORM row or a result row with its columns)."""
    return Snapshot(
        spreadsheet_id=row.spreadsheet_id,
        version=row.version,
        taken_at=row.taken_at,
        plan=row.plan,
        computed=row.computed,
        sheet_state=row.sheet_state,
        stamp=row.stamp,
    )


# The statements of a sync's snapshot reads and writes: Core statements on the table,
# built once (no ORM objects built or tracked, a sync's hot path). Parameters of an
# INSERT or UPDATE are named b_<column> (SQLAlchemy keeps column names for itself).


@cache
def _latest() -> Select[Any]:
    table = cast(Table, SnapshotRow.__table__)
    return (
        select(table)
        .where(table.c.spreadsheet_id == bindparam("spreadsheet_id"))
        .order_by(table.c.version.desc())
        .limit(1)
    )


@cache
def _latest_unless() -> Select[Any]:
    """The latest snapshot, its documents NULL when its stamp is the one given (the
    caller holds them): nothing to send, nothing to parse."""
    table = cast(Table, SnapshotRow.__table__)
    held = table.c.stamp == bindparam("stamp")
    documents = [
        type_coerce(case((held, null()), else_=column), column.type).label(column.name)
        for column in (table.c.plan, table.c.computed, table.c.sheet_state)
    ]
    return (
        select(table.c.spreadsheet_id, table.c.version, table.c.taken_at, table.c.stamp, *documents)
        .where(table.c.spreadsheet_id == bindparam("spreadsheet_id"))
        .order_by(table.c.version.desc())
        .limit(1)
    )


@cache
def _insert_next_version() -> Insert:
    """A new version, one more than the latest, computed and inserted in one statement."""
    table = cast(Table, SnapshotRow.__table__)
    latest = (
        select(func.coalesce(func.max(table.c.version), 0))
        .where(table.c.spreadsheet_id == bindparam("b_spreadsheet_id"))
        .scalar_subquery()
    )
    return (
        insert(table)
        .values(
            spreadsheet_id=bindparam("b_spreadsheet_id"),
            version=latest + 1,
            taken_at=bindparam("b_taken_at"),
            plan=bindparam("b_plan"),
            computed=bindparam("b_computed"),
            sheet_state=bindparam("b_sheet_state"),
            stamp=bindparam("b_stamp"),
        )
        .returning(table.c.version)
    )


@cache
def _delete_up_to() -> Delete:
    table = cast(Table, SnapshotRow.__table__)
    return delete(table).where(
        table.c.spreadsheet_id == bindparam("b_spreadsheet_id"),
        table.c.version <= bindparam("b_up_to"),
    )


class Snapshots(StoreBase):
    def save_snapshot(
        self,
        spreadsheet_id: str,
        *,
        plan: dict[str, Any],
        computed: dict[str, Any],
        sheet_state: dict[str, Any],
    ) -> Snapshot:
        """Stores a new version (one more than the latest), with a new stamp, and drops
        versions beyond the last ``snapshots_kept``; ``MapNotFound`` if there is no such
        MAP."""
        taken_at = self._now()
        stamp = uuid.uuid4().hex
        # A connection, not a Session, outside a transaction: a write of unknown outcome
        # kept as pending is this statement alone (see ``_write_connection``).
        with self._write_connection() as connection:
            # Locking the MAP's row makes "latest + 1" safe against a concurrent save
            # on PostgreSQL (SQLite's BEGIN IMMEDIATE has already locked the database:
            # a missing MAP is then the foreign key's error); the version is computed
            # and the row inserted in one statement.
            sqlite = connection.dialect.name == "sqlite"
            if not sqlite:
                self._lock_map_key(connection, spreadsheet_id)
            try:
                # As SQL the driver runs (a sync's record: ``driver_sql``).
                version = driver_sql.execute(
                    connection,
                    _insert_next_version(),
                    {
                        "b_spreadsheet_id": spreadsheet_id,
                        "b_taken_at": taken_at,
                        "b_plan": plan,
                        "b_computed": computed,
                        "b_sheet_state": sheet_state,
                        "b_stamp": stamp,
                    },
                ).scalar_one()
            except IntegrityError as exc:
                if sqlite:
                    raise MapNotFound(spreadsheet_id) from exc
                raise
            if version > self._snapshots_kept:
                driver_sql.execute(
                    connection,
                    _delete_up_to(),
                    {"b_spreadsheet_id": spreadsheet_id, "b_up_to": version - self._snapshots_kept},
                )
            return Snapshot(
                spreadsheet_id=spreadsheet_id,
                version=version,
                taken_at=taken_at,
                plan=plan,
                computed=computed,
                sheet_state=sheet_state,
                stamp=stamp,
            )

    def latest_snapshot_unless(
        self, spreadsheet_id: str, stamp: str | None
    ) -> Snapshot | str | None:
        """The latest snapshot; only its stamp when that is ``stamp`` (the caller holds
        that snapshot already, parsed: a stamp is never given twice, so its content is
        the same); None when the MAP has none. One statement, as :meth:`latest_snapshot`."""
        with self._read_connection() as connection:
            row = connection.execute(
                _latest_unless(), {"spreadsheet_id": spreadsheet_id, "stamp": stamp}
            ).first()
        if row is None:
            return None
        if stamp is not None and row.stamp == stamp:
            return stamp
        return _to_record(row)

    def latest_snapshot(self, spreadsheet_id: str) -> Snapshot | None:
        with self._read_connection() as connection:
            row = connection.execute(_latest(), {"spreadsheet_id": spreadsheet_id}).first()
            return None if row is None else _to_record(row)

    def snapshots(self, spreadsheet_id: str) -> list[Snapshot]:
        """The versions kept, newest first."""
        with self._reading() as session:
            rows = session.scalars(
                select(SnapshotRow)
                .where(SnapshotRow.spreadsheet_id == spreadsheet_id)
                .order_by(SnapshotRow.version.desc())
            )
            return [_to_record(row) for row in rows]
