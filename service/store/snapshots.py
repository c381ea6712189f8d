"""Snapshots: the last known state of each MAP's sheet, the base of the next diff (I8)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from service.store.base import StoreBase
from service.store.errors import MapNotFound
from service.store.records import Snapshot
from service.store.tables import SnapshotRow


def _to_record(row: SnapshotRow) -> Snapshot:
    return Snapshot(
        spreadsheet_id=row.spreadsheet_id,
        version=row.version,
        taken_at=row.taken_at,
        plan=row.plan,
        computed=row.computed,
        sheet_state=row.sheet_state,
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
        """Stores a new version (one more than the latest) and drops versions beyond the
        last ``snapshots_kept``; ``MapNotFound`` if there is no such MAP."""
        taken_at = self._now()
        with self._writing() as session:
            # Locking the MAP's row makes "latest + 1" safe against a concurrent save
            # on PostgreSQL (SQLite's BEGIN IMMEDIATE has already locked the database:
            # a missing MAP is then the foreign key's error); the version is computed
            # and the row inserted in one statement.
            sqlite = session.get_bind().dialect.name == "sqlite"
            if not sqlite:
                self._lock_map_key(session, spreadsheet_id)
            latest = (
                select(func.coalesce(func.max(SnapshotRow.version), 0))
                .where(SnapshotRow.spreadsheet_id == spreadsheet_id)
                .scalar_subquery()
            )
            statement = (
                insert(SnapshotRow)
                .values(
                    spreadsheet_id=spreadsheet_id,
                    version=latest + 1,
                    taken_at=taken_at,
                    plan=plan,
                    computed=computed,
                    sheet_state=sheet_state,
                )
                .returning(SnapshotRow.version)
            )
            try:
                version = session.scalar(statement)
            except IntegrityError as exc:
                if sqlite:
                    raise MapNotFound(spreadsheet_id) from exc
                raise
            assert version is not None
            if version > self._snapshots_kept:
                session.execute(
                    delete(SnapshotRow).where(
                        SnapshotRow.spreadsheet_id == spreadsheet_id,
                        SnapshotRow.version <= version - self._snapshots_kept,
                    )
                )
            return Snapshot(
                spreadsheet_id=spreadsheet_id,
                version=version,
                taken_at=taken_at,
                plan=plan,
                computed=computed,
                sheet_state=sheet_state,
            )

    def replace_snapshot(
        self,
        spreadsheet_id: str,
        version: int,
        *,
        plan: dict[str, Any],
        computed: dict[str, Any],
        sheet_state: dict[str, Any],
    ) -> Snapshot:
        """Puts a new state in place of ``version`` (one statement), when that version is
        still the latest: a sync's record replacing the snapshot that announced its write
        as pending. Otherwise (another version came since, or it is gone) the state is
        saved as a new version, as :meth:`save_snapshot` does. ``MapNotFound`` if there
        is no such MAP."""
        taken_at = self._now()
        with self._writing() as session:
            latest = (
                select(func.max(SnapshotRow.version))
                .where(SnapshotRow.spreadsheet_id == spreadsheet_id)
                .scalar_subquery()
            )
            replaced = session.scalar(
                update(SnapshotRow)
                .where(
                    SnapshotRow.spreadsheet_id == spreadsheet_id,
                    SnapshotRow.version == version,
                    SnapshotRow.version == latest,
                )
                .values(taken_at=taken_at, plan=plan, computed=computed, sheet_state=sheet_state)
                .returning(SnapshotRow.version)
                .execution_options(synchronize_session=False)
            )
        if replaced is None:
            # After the block: a transaction of its own when there is no outer one.
            return self.save_snapshot(
                spreadsheet_id, plan=plan, computed=computed, sheet_state=sheet_state
            )
        return Snapshot(
            spreadsheet_id=spreadsheet_id,
            version=version,
            taken_at=taken_at,
            plan=plan,
            computed=computed,
            sheet_state=sheet_state,
        )

    def latest_snapshot(self, spreadsheet_id: str) -> Snapshot | None:
        with self._reading() as session:
            row = session.scalar(
                select(SnapshotRow)
                .where(SnapshotRow.spreadsheet_id == spreadsheet_id)
                .order_by(SnapshotRow.version.desc())
                .limit(1)
            )
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
