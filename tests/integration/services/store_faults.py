"""Making the store fail at a chosen statement, for real: on PostgreSQL the server ends
the connection (``pg_terminate_backend``) just before the statement runs; on SQLite the
driver's own error is raised in its place (a file that cannot be written)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text


@contextmanager
def store_fails(
    engine: Engine, when: Callable[[str], bool], *, times: int = 1
) -> Iterator[list[str]]:
    """While the block runs, the first ``times`` statements for which ``when(sql)`` is
    true fail as a lost connection would. Yields the statements that failed."""
    failed: list[str] = []
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if len(failed) >= times or not when(statement):
            return
        failed.append(statement)
        if engine.dialect.name == "postgresql":
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        else:
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", before)
        admin.dispose()


def after(first: str, then: str) -> Callable[[str], bool]:
    """Statements starting with ``then`` once one starting with ``first`` has run."""
    seen: list[bool] = []

    def when(sql: str) -> bool:
        head = sql.lstrip().upper()
        if head.startswith(first.upper()):
            seen.append(True)
            return False
        return bool(seen) and head.startswith(then.upper())

    return when
