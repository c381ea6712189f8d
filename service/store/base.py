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
        # The session of the transaction this thread (or task) has open, if any, and
        # whether it is a read-only one (``reading``).
        self._open: ContextVar[Session | None] = ContextVar(f"store-{id(self)}", default=None)
        self._open_reads_only: ContextVar[bool] = ContextVar(
            f"store-reads-{id(self)}", default=False
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
        if self._open.get() is not None:
            yield
            return
        with _plain_value_errors(), Session(self._write_engine) as session, session.begin():
            token = self._open.set(session)
            try:
                yield
            finally:
                self._open.reset(token)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Every store read inside the block runs in one read-only transaction (one
        connection checked out, one BEGIN; on SQLite a deferred one, so it never waits
        for the write lock). A write inside it is a ``RuntimeError``; inside
        :meth:`transaction` (or another ``reading``) the block joins the open one."""
        if self._open.get() is not None:
            yield
            return
        with _plain_value_errors(), Session(self.engine) as session, session.begin():
            token = self._open.set(session)
            reads_only = self._open_reads_only.set(True)
            try:
                yield
            finally:
                self._open_reads_only.reset(reads_only)
                self._open.reset(token)

    def _joined(self, *, writes: bool) -> Session | None:
        """The session of the transaction this thread has open (None: none is); a write
        inside :meth:`reading` is a ``RuntimeError``."""
        session = self._open.get()
        if session is not None and writes and self._open_reads_only.get():
            raise RuntimeError("a store write inside Store.reading()")
        return session

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        session = self._joined(writes=False)
        if session is not None:
            yield session
            return
        with _plain_value_errors(), Session(self.engine) as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        session = self._joined(writes=True)
        if session is not None:
            yield session
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
        session = self._joined(writes=writes)
        if session is not None:
            yield session.connection()
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
        found = connection.execute(_map_key_lock(), {"spreadsheet_id": spreadsheet_id}).scalar()
        if found is None:
            raise MapNotFound(spreadsheet_id)

    @staticmethod
    def _require_map(session: Session, spreadsheet_id: str) -> None:
        found = session.scalar(
            select(MapRow.spreadsheet_id).where(MapRow.spreadsheet_id == spreadsheet_id)
        )
        if found is None:
            raise MapNotFound(spreadsheet_id)


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
