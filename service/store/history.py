"""History events: the append-only change log (I7), each detected change recorded once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.store import driver_sql
from service.store.base import StoreBase
from service.store.errors import MapNotFound
from service.store.records import HistoryEvent, HistorySource, NewHistoryEvent
from service.store.tables import HistoryEventRow, MapRow

# Dates, times and dataclasses as ``str`` makes them (``_KEY_DEFAULT``), as the keys were
# first made with ``json.dumps(default=str)``.
_KEY_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_KEY_DEFAULT = str
# Rows per INSERT statement: well under SQLite's limit of bound parameters.
_BATCH = 500
# The INSERT of new events, by database dialect and whether it returns the rows added
# (built on first use).
_APPEND_STATEMENTS: dict[tuple[str, bool], Any] = {}


def history_dedupe_key(*parts: object) -> str:
    """A stable key for "the same detected change", from what identifies it, e.g.
    ``(base snapshot version, milestone id, field, old, new)``.

    The parts are written as ``json.dumps(parts, default=str, separators=(",", ":"),
    ensure_ascii=False)`` writes them, byte for byte, but by orjson: a sync's base is the
    whole plan as JSON, and ``json.dumps`` took 0.1 ms of every sync at 15 milestones.
    The two differ only for floats beyond ``repr``'s plain range (``1e-05`` against
    ``1e-5``) and NaN, which no plan or change holds; a key made by an earlier version
    for a write it left pending is made the same again."""
    text = orjson.dumps(parts, default=_KEY_DEFAULT, option=_KEY_OPTIONS)
    return hashlib.sha256(text).hexdigest()


def _unique(events: Iterable[NewHistoryEvent]) -> dict[tuple[str, str], NewHistoryEvent]:
    """The events by (spreadsheet, ``dedupe_key``), the first of each, in order."""
    unique: dict[tuple[str, str], NewHistoryEvent] = {}
    for event in events:
        unique.setdefault((event.spreadsheet_id, event.dedupe_key), event)
    return unique


def _to_record(row: Any) -> HistoryEvent:
    """The record of a history row (an ORM row or a result row with its columns)."""
    return HistoryEvent(
        id=row.id,
        spreadsheet_id=row.spreadsheet_id,
        at=row.at,
        on=row.on_date,
        actor=row.actor,
        milestone_id=row.milestone_id,
        field=row.field,
        old=row.old,
        new=row.new,
        reason=row.reason,
        source=HistorySource(row.source),
        dedupe_key=row.dedupe_key,
    )


class History(StoreBase):
    def append_history(self, events: Iterable[NewHistoryEvent]) -> list[HistoryEvent]:
        """Records the events not recorded before (by spreadsheet and ``dedupe_key``) and
        returns those, in the order given. Safe when two processes append the same
        events at once: each lands once, and only one caller gets it back.
        ``MapNotFound`` if an event names a spreadsheet without a MAP."""
        unique = _unique(events)
        rows = self._insert_events(unique, returning=True)
        records = [_to_record(row) for row in rows]
        order = {key: index for index, key in enumerate(unique)}
        return sorted(records, key=lambda r: order[(r.spreadsheet_id, r.dedupe_key)])

    def record_history(self, events: Iterable[NewHistoryEvent]) -> None:
        """As :meth:`append_history`, with nothing read back: a sync's record, which
        does not look at the rows it adds (no ``RETURNING``, no records made)."""
        self._insert_events(_unique(events), returning=False)

    def _insert_events(
        self, unique: dict[tuple[str, str], NewHistoryEvent], *, returning: bool
    ) -> list[Any]:
        """INSERT ``unique`` (ON CONFLICT DO NOTHING); the rows added when ``returning``."""
        now = self._now()
        values = [
            {
                "spreadsheet_id": e.spreadsheet_id,
                "at": e.at or now,
                "on_date": e.on,
                "actor": e.actor,
                "milestone_id": e.milestone_id,
                "field": e.field,
                "old": e.old,
                "new": e.new,
                "reason": e.reason,
                "source": HistorySource(e.source).value,
                "dedupe_key": e.dedupe_key,
            }
            for e in unique.values()
        ]
        if not values:
            return []
        # One statement, its parameters given as a list (executemany, which SQLAlchemy
        # sends as multi-row INSERTs): unlike a statement with the rows in VALUES, it
        # is compiled once and cached.
        statement = self._append_statement(returning)
        rows: list[Any] = []
        try:
            with self._write_connection() as connection:
                for start in range(0, len(values), _BATCH):
                    batch = values[start : start + _BATCH]
                    if returning:
                        rows.extend(connection.execute(statement, batch))
                    else:  # a sync's record: as SQL the driver runs (``driver_sql``)
                        driver_sql.execute(connection, statement, batch)
        except IntegrityError as exc:
            # Duplicates are skipped by ON CONFLICT; what is left is a missing MAP.
            missing = self._missing_maps({e.spreadsheet_id for e in unique.values()})
            if missing:
                raise MapNotFound(missing[0]) from exc
            raise
        return rows

    def _append_statement(self, returning: bool) -> Any:
        """The INSERT of new events (ON CONFLICT DO NOTHING; with ``returning``, the rows
        added returned), built once for each database dialect."""
        key = (self.engine.dialect.name, returning)
        statement = _APPEND_STATEMENTS.get(key)
        if statement is None:
            table = HistoryEventRow.__table__
            statement = self._insert(table).on_conflict_do_nothing(
                index_elements=["spreadsheet_id", "dedupe_key"]
            )
            if returning:
                statement = statement.returning(*table.columns)
            _APPEND_STATEMENTS[key] = statement
        return statement

    def history(self, spreadsheet_id: str, since: datetime | None = None) -> list[HistoryEvent]:
        """The MAP's events, oldest first; with ``since``, those at or after it."""
        query = select(HistoryEventRow).where(HistoryEventRow.spreadsheet_id == spreadsheet_id)
        if since is not None:
            query = query.where(HistoryEventRow.at >= since)
        with self._reading() as session:
            rows = session.scalars(query.order_by(HistoryEventRow.at, HistoryEventRow.id))
            return [_to_record(row) for row in rows]

    def _missing_maps(self, spreadsheet_ids: set[str]) -> list[str]:
        with self._reading() as session:
            found = set(
                session.scalars(
                    select(MapRow.spreadsheet_id).where(MapRow.spreadsheet_id.in_(spreadsheet_ids))
                )
            )
        return sorted(spreadsheet_ids - found)
