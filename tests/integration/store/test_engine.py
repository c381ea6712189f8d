from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from service.store import Store, create_store_engine
from service.store.engine import SQLITE_BUSY_TIMEOUT_MS, patient_sqlite, store_url, writing
from tests.db_fixtures import postgres_database_url


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'map.sqlite3'}")
    try:
        with engine.connect() as connection:
            journal = connection.execute(text("PRAGMA journal_mode")).scalar()
            busy = connection.execute(text("PRAGMA busy_timeout")).scalar()
            foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
    finally:
        engine.dispose()

    assert (journal, foreign_keys) == ("wal", 1)
    assert busy is not None and busy >= 5000


def test_the_sqlite_files_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "map.sqlite3"

    with Store.from_url(f"sqlite:///{path}") as store:
        store.migrate()

    assert path.is_file()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_sqlite_database_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="needs a file"):
        create_store_engine(url)


@pytest.mark.parametrize(
    "url", ["postgres://map@db.example/map", "postgresql://map@db.example/map?sslmode=require"]
)
def test_a_postgresql_url_without_a_driver_uses_psycopg(url: str) -> None:
    parsed = store_url(url)

    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.database) == ("db.example", "map")
    assert store_url("sqlite:///x.sqlite3").drivername == "sqlite"


def test_a_database_other_than_sqlite_or_postgresql_is_refused() -> None:
    with pytest.raises(ValueError, match="not 'mysql'"):
        create_store_engine("mysql://user@localhost/map")


@pytest.mark.postgres
def test_each_postgresql_test_database_is_a_fresh_schema_of_its_own() -> None:
    with postgres_database_url() as first, postgres_database_url() as second:
        schemas = []
        for url in (first, second):
            with Store.from_url(url) as store, store.engine.connect() as connection:
                schemas.append(connection.execute(text("SELECT current_schema()")).scalar())

    assert schemas[0] != schemas[1]
    assert all(str(schema).startswith("test_") for schema in schemas)


def test_a_migration_waits_for_the_sqlite_write_lock_longer_than_other_work(
    tmp_path: Path,
) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'map.sqlite3'}", pool_size=1)
    try:
        with engine.connect() as connection:
            with patient_sqlite(connection, 120_000):
                during = connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA busy_timeout"
                ).fetchone()
            after = connection.execute(text("PRAGMA busy_timeout")).scalar()
    finally:
        engine.dispose()

    assert during == (120_000,)
    assert after == SQLITE_BUSY_TIMEOUT_MS


def test_a_write_transaction_the_sqlite_lock_refuses_is_sqlalchemys_operational_error(
    tmp_path: Path,
) -> None:
    """The BEGIN that takes SQLite's write lock goes straight to the driver; a lock held
    elsewhere past the busy timeout is still the error the web layer answers 503 for."""
    path = tmp_path / "map.sqlite3"
    engine = create_store_engine(f"sqlite:///{path}", pool_size=1)
    with engine.connect():  # the file made and in WAL mode before anyone locks it
        pass
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with (
            writing(engine).connect() as connection,
            patient_sqlite(connection, 50),
            pytest.raises(OperationalError, match="locked"),
        ):
            connection.begin()
        holder.execute("ROLLBACK")
        with writing(engine).begin() as connection:  # free again: it begins
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        holder.close()
        engine.dispose()
