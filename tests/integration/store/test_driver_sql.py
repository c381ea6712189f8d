"""A sync's statements run as SQL the driver executes (``store/driver_sql.py``), on
SQLite and PostgreSQL: values stored and read as SQLAlchemy's own execution stores and
reads them, the driver's errors raised as SQLAlchemy's, every statement seen by the
store's listeners."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from service.store import Store, driver_sql
from service.store.counting import count_store
from service.store.tables import MapRow, SnapshotRow
from tests.db_fixtures import make_map

MAPS = cast(Table, MapRow.__table__)


def test_a_record_reads_back_as_written_and_a_naive_timestamp_is_refused(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 23, 10, 30, 15, 123456, tzinfo=paris)

    with count_store(store) as counts:
        store.record_map_changes(
            "sheet-1",
            last_synced_at=moment,
            last_edit_on=date(2026, 11, 20),
            top_risks=[{"code": "STALE_PLAN", "message": "Étude · 北京"}],
            projected_go_live=None,
            drive_version="42",
        )
    assert counts.statements == 1

    record = store.get_map("sheet-1")
    assert record is not None
    assert record.last_synced_at == moment and record.last_synced_at.tzinfo is UTC
    assert record.last_edit_on == date(2026, 11, 20)
    assert record.top_risks == [{"code": "STALE_PLAN", "message": "Étude · 北京"}]
    assert (record.projected_go_live, record.drive_version) == (None, "42")
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_map_changes("sheet-1", last_synced_at=datetime(2026, 11, 23, 9, 0))
    assert store.get_map("sheet-1") == record


def test_a_select_reads_each_column_through_its_type(store: Store) -> None:
    made = make_map(store, spreadsheet_id="sheet-1", buyer_emails=["dana@acme.example"])
    query = select(
        MAPS.c.spreadsheet_id, MAPS.c.created_on, MAPS.c.created_at, MAPS.c.buyer_emails
    ).where(MAPS.c.spreadsheet_id == bindparam("sid"))
    with store.engine.connect() as connection:
        result = driver_sql.execute(connection, query, {"sid": "sheet-1"})
        (row,) = driver_sql.rows(connection, result, query)
        assert (
            driver_sql.rows(
                connection, driver_sql.execute(connection, query, {"sid": "nope"}), query
            )
            == []
        )
    assert (row.spreadsheet_id, row.created_on, row.buyer_emails) == (
        "sheet-1",
        made.created_on,
        ["dana@acme.example"],
    )
    assert row.created_at == made.created_at and row.created_at.tzinfo is UTC


def test_the_drivers_errors_are_sqlalchemys(store: Store) -> None:
    """A snapshot of a MAP that does not exist breaks the foreign key: SQLAlchemy's
    IntegrityError, as the store's callers catch it."""
    snapshots = cast(Table, SnapshotRow.__table__)
    statement = insert(snapshots)
    values: dict[str, Any] = {
        "spreadsheet_id": "nope",
        "version": 1,
        "taken_at": datetime(2026, 11, 23, tzinfo=UTC),
        "plan": {},
        "computed": {},
        "sheet_state": {},
        "stamp": "s",
    }
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        driver_sql.execute(connection, statement, values)
