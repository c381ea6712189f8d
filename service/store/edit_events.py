"""Recent sheet edits reported by the add-on's trigger (``/hooks/sheet-edit``).

Drive push says that a file changed, not who changed what; these events let a sync
attribute a change to a person. They are kept for a short while only.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, bindparam, delete, insert, select

from service.store.base import StoreBase
from service.store.records import EditEvent
from service.store.tables import EditEventRow


def _to_record(row: Any) -> EditEvent:
    """The record of an edit row (an ORM row or a result row with its columns)."""
    return EditEvent(
        id=row.id,
        spreadsheet_id=row.spreadsheet_id,
        sheet=row.sheet,
        a1=row.a1,
        user_email=row.user_email,
        value=row.value,
        old_value=row.old_value,
        ts=row.ts,
        received_at=row.received_at,
    )


def edit_event_values(
    spreadsheet_id: str,
    a1: str,
    ts: datetime,
    sheet: str,
    user_email: str,
    value: str | None,
    old_value: str | None,
) -> dict[str, Any]:
    """The columns of one edit event, as the add-on's trigger reported it."""
    return {
        "spreadsheet_id": spreadsheet_id,
        "sheet": sheet,
        "a1": a1,
        "user_email": user_email,
        "value": value,
        "old_value": old_value,
        "ts": ts,
    }


class EditEvents(StoreBase):
    def record_edit_event(
        self,
        *,
        spreadsheet_id: str,
        a1: str,
        ts: datetime,
        sheet: str = "",
        user_email: str = "",
        value: str | None = None,
        old_value: str | None = None,
    ) -> EditEvent:
        """Records one edit and drops this MAP's events older than the retention
        (``edit_event_retention``, by arrival). ``MapNotFound`` if there is no such MAP."""
        now = self._now()
        with self._writing() as session:
            self._require_map(session, spreadsheet_id)
            session.execute(
                delete(EditEventRow).where(
                    EditEventRow.spreadsheet_id == spreadsheet_id,
                    EditEventRow.received_at < now - self._edit_event_retention,
                )
            )
            row = EditEventRow(
                **edit_event_values(spreadsheet_id, a1, ts, sheet, user_email, value, old_value),
                received_at=now,
            )
            session.add(row)
            session.flush()
            return _to_record(row)

    def edit_events_since(self, spreadsheet_id: str, since: datetime) -> list[EditEvent]:
        """The MAP's edits at or after ``since`` (edit time), oldest first."""
        parameters = {"spreadsheet_id": spreadsheet_id, "since": since}
        with self._read_connection() as connection:
            return [_to_record(row) for row in connection.execute(_edits_since(), parameters)]

    def prune_edit_events(self, received_before: datetime) -> int:
        """Drops every MAP's events that arrived before ``received_before``; the count."""
        with self._writing() as session:
            deleted = session.scalars(
                delete(EditEventRow)
                .where(EditEventRow.received_at < received_before)
                .returning(EditEventRow.id)
            )
            return len(deleted.all())


@cache
def _edits_since() -> Select[Any]:
    """A MAP's edits at or after ``since``, oldest first (a Core statement, built once)."""
    table = EditEventRow.__table__
    return (
        select(table)
        .where(
            table.c.spreadsheet_id == bindparam("spreadsheet_id"), table.c.ts >= bindparam("since")
        )
        .order_by(table.c.ts, table.c.id)
    )


@cache
def insert_edit() -> Insert:
    """One edit (a Core statement, built once: a hook's hot path); the parameter of a
    column is named b_<column> (``edit_event_values`` and ``received_at``)."""
    table = cast(Table, EditEventRow.__table__)
    columns = ("spreadsheet_id", "sheet", "a1", "user_email", "value", "old_value", "ts")
    return insert(table).values({c: bindparam(f"b_{c}") for c in (*columns, "received_at")})
