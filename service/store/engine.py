"""Engines for the store: a SQLite file (the default) or PostgreSQL.

SQLite is set up for several threads and processes sharing one file: write-ahead log
(readers never block the writer), a busy timeout (a writer waits for the lock instead of
failing at once), foreign keys enforced. SQLAlchemy, not the ``sqlite3`` module, starts
transactions, so that a transaction that will write starts with ``BEGIN IMMEDIATE``: it
takes the write lock before its first read, and two writers queue on the busy timeout
instead of one of them failing when it upgrades a read lock (``SQLITE_BUSY``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from service import json_documents

# Execution option that marks a connection whose transactions will write.
WRITES = "map_store_writes"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def store_url(url: str | URL) -> URL:
    """``url`` parsed, with PostgreSQL URLs that name no driver (``postgres://``,
    ``postgresql://``, as hosting platforms hand them out) set to psycopg 3, the driver
    the service ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str | URL, **engine_kwargs: Any) -> Engine:
    """An engine for the store's database at ``url`` (``sqlite:///<file>`` or PostgreSQL).

    JSON documents are read by :func:`service.json_documents.parse` (the same Python
    values as ``json.loads``, in less CPU: a sync reads its MAP's snapshot, tens of KB)
    and written by :func:`service.json_documents.text` (compact, through orjson)."""
    parsed = store_url(url)
    backend = parsed.get_backend_name()
    engine_kwargs.setdefault("json_deserializer", json_documents.parse)
    engine_kwargs.setdefault("json_serializer", json_documents.text)
    if backend == "sqlite":
        return _sqlite_engine(parsed, **engine_kwargs)
    if backend == "postgresql":
        engine_kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **engine_kwargs)
    raise ValueError(f"the store runs on SQLite or PostgreSQL, not {backend!r} ({parsed!r})")


def writing(engine: Engine) -> Engine:
    """The same engine (same pool), with transactions that will write."""
    return engine.execution_options(**{WRITES: True})


@contextmanager
def patient_sqlite(connection: Connection, timeout_ms: int) -> Iterator[None]:
    """On SQLite, waits up to ``timeout_ms`` for the write lock on ``connection`` (which
    must not be in a transaction yet), then back to the usual timeout. Elsewhere, nothing."""
    if connection.dialect.name != "sqlite":
        yield
        return
    # Straight to the driver: through SQLAlchemy, the PRAGMA would begin a transaction.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA busy_timeout={timeout_ms}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _sqlite_engine(url: URL, **engine_kwargs: Any) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        # Each pooled connection would see its own empty database.
        raise ValueError("the SQLite store needs a file: sqlite:///path/to/map.sqlite3")
    if not url.query.get("uri"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **engine_kwargs)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    # Leave BEGIN to _begin_sqlite_transaction (the sqlite3 module would issue a
    # deferred BEGIN only before DML, and none before SELECT or DDL).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL is still safe against corruption; a power cut may lose the
    # last transactions, never half of one.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _write_ahead_log(cursor: Any) -> None:
    """Switch the file to write-ahead logging. Processes that open a new file at the same
    moment (workers starting together) may find it locked: SQLite answers that at once,
    without its busy timeout, so wait here, as the busy timeout would."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _begin_sqlite_transaction(connection: Any) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get(WRITES) else "DEFERRED"
    # Straight to the driver, as ``patient_sqlite`` does: through SQLAlchemy
    # (``exec_driver_sql``) the BEGIN of every transaction went through its whole
    # execution machinery, a fair part of a sync's store CPU on SQLite. The driver
    # commits or rolls back what it begins (``isolation_level`` None: it never begins
    # one itself).
    statement = f"BEGIN {mode}"
    try:
        connection.connection.driver_connection.execute(statement)
    except sqlite3.Error as exc:  # as SQLAlchemy would have raised it ("locked": 503)
        raise DBAPIError.instance(statement, (), exc, sqlite3.Error) from exc
