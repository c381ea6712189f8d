"""What every part of the store shares: the engine, the clock and short transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from service.store import driver_sql
from service.store.engine import writing
from service.store.errors import MapNotFound
from service.store.tables import MapRow

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _plain_value_errors() -> Iterator[None]:
    """A value the column types refuse (a naive datetime) raises its own ValueError,
    not SQLAlchemy's wrapper around it."""
    try:
        yield
    except StatementError as exc:
        if isinstance(exc.orig, ValueError):
            raise exc.orig from exc
        raise


class StoreBase:
    """Holds the engine; each public operation runs in one short transaction of its own,
    or in the caller's, inside :meth:`transaction`."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        snapshots_kept: int = 5,
        edit_event_retention: timedelta = timedelta(days=7),
    ) -> None:
        if snapshots_kept < 1:
            raise ValueError("snapshots_kept must be at least 1")
        self.engine = engine
        self._write_engine = writing(engine)
        # PostgreSQL: the same pool, with every statement a transaction of its own.
        self._autocommit_engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else None
        )
        self._clock = clock
        self._snapshots_kept = snapshots_kept
        self._edit_event_retention = edit_event_retention
        # The transaction this thread (or task) has open, if any.
        self._open: ContextVar[_OpenTransaction | None] = ContextVar(
            f"store-{id(self)}", default=None
        )

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return timezone-aware datetimes")
        return now.astimezone(UTC)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every store operation inside the block runs in one transaction: all of them
        are recorded, or (an error, a lost connection, a killed process) none. Nested
        blocks join the outer one."""
        with self._opened(self._write_engine, reads_only=False):
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Every store read inside the block runs in one read-only transaction (one
        connection checked out, one BEGIN; on SQLite a deferred one, so it never waits
        for the write lock). A write inside it is a ``RuntimeError``; inside
        :meth:`transaction` (or another ``reading``) the block joins the open one."""
        with self._opened(self.engine, reads_only=True):
            yield

    @contextmanager
    def _opened(self, engine: Engine, *, reads_only: bool) -> Iterator[None]:
        """The open transaction of :meth:`transaction` and :meth:`reading`: a Core
        connection and its BEGIN, with an ORM ``Session`` made on it only when an
        operation inside asks for one (a sync's reads and its record are Core
        statements: no Session is made for them)."""
        if self._open.get() is not None:
            yield
            return
        with _plain_value_errors(), engine.begin() as connection:
            opened = _OpenTransaction(connection, reads_only)
            token = self._open.set(opened)
            try:
                yield
                opened.flush()
            finally:
                self._open.reset(token)
                opened.close()

    def _joined(self, *, writes: bool) -> _OpenTransaction | None:
        """The transaction this thread has open (None: none is); a write inside
        :meth:`reading` is a ``RuntimeError``."""
        opened = self._open.get()
        if opened is not None and writes and opened.reads_only:
            raise RuntimeError("a store write inside Store.reading()")
        return opened

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        opened = self._joined(writes=False)
        if opened is not None:
            yield opened.session()
            return
        with _plain_value_errors(), Session(self.engine) as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        opened = self._joined(writes=True)
        if opened is not None:
            yield opened.session()
            return
        with _plain_value_errors(), Session(self._write_engine) as session, session.begin():
            yield session

    @contextmanager
    def _read_connection(self) -> Iterator[Connection]:
        """As :meth:`_reading`, a connection: for Core statements on a hot path (a sync,
        a hook), with a table's columns and no ORM objects built or tracked. Outside an
        open transaction the connection begins and ends one of its own, with no Session
        made (a Session costs more than the statement on these paths)."""
        with self._connection(self.engine, writes=False) as connection:
            yield connection

    @contextmanager
    def _write_connection(self) -> Iterator[Connection]:
        """As :meth:`_writing`, a connection (see :meth:`_read_connection`)."""
        with self._connection(self._write_engine, writes=True) as connection:
            yield connection

    @contextmanager
    def _one_statement_connection(self, *, writes: bool) -> Iterator[Connection]:
        """For a block of one statement, a transaction by itself (a hook's hot path):
        on PostgreSQL a connection in autocommit mode (one round trip, no BEGIN and no
        COMMIT); on SQLite, and inside an open transaction, as :meth:`_read_connection`
        or :meth:`_write_connection` (the block is one transaction). On PostgreSQL each
        statement of the block commits by itself: keep it to one."""
        if self._autocommit_engine is None or self._open.get() is not None:
            engine = self._write_engine if writes else self.engine
            with self._connection(engine, writes=writes) as connection:
                yield connection
            return
        with _plain_value_errors(), self._autocommit_engine.connect() as connection:
            yield connection

    @contextmanager
    def _connection(self, engine: Engine, *, writes: bool) -> Iterator[Connection]:
        opened = self._joined(writes=writes)
        if opened is not None:
            yield opened.connection
            return
        with _plain_value_errors(), engine.begin() as connection:
            yield connection

    def _insert(self, entity: Any) -> sqlite.Insert | postgresql.Insert:
        """An INSERT with ON CONFLICT support (upserts and insert-if-absent)."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(entity)
        return sqlite.insert(entity)

    @staticmethod
    def _lock_map_key(connection: Connection, spreadsheet_id: str) -> None:
        """The MAP's row locked until the transaction ends (SQLite: the whole database
        is, by BEGIN IMMEDIATE), on a connection (a session's, or one of
        :meth:`_write_connection`); ``MapNotFound`` when there is none."""
        found = driver_sql.execute(
            connection, _map_key_lock(), {"spreadsheet_id": spreadsheet_id}
        ).scalar()
        if found is None:
            raise MapNotFound(spreadsheet_id)

    @staticmethod
    def _require_map(session: Session, spreadsheet_id: str) -> None:
        found = session.scalar(
            select(MapRow.spreadsheet_id).where(MapRow.spreadsheet_id == spreadsheet_id)
        )
        if found is None:
            raise MapNotFound(spreadsheet_id)


class _OpenTransaction:
    """A transaction of :meth:`StoreBase.transaction` or :meth:`StoreBase.reading`: its
    connection, and the ORM session on it once an operation has asked for one. The
    session joins the connection's transaction and never commits it: its changes are
    flushed before the connection commits (``flush``), and an error rolls back both."""

    def __init__(self, connection: Connection, reads_only: bool) -> None:
        self.connection = connection
        self.reads_only = reads_only
        self._session: Session | None = None

    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.connection)
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


@cache
def _map_key_lock() -> Select[Any]:
    """The MAP's key, its row locked until the transaction ends. NO KEY UPDATE: excludes
    other writers of this MAP, yet lets rows that refer to it (edit events, notifications)
    be inserted meanwhile."""
    return (
        select(MapRow.spreadsheet_id)
        .where(MapRow.spreadsheet_id == bindparam("spreadsheet_id"))
        .with_for_update(key_share=True)
    )
