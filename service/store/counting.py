"""Counting what a piece of work asks of the store: transactions (read-only and writing)
and SQL statements, through SQLAlchemy's event listeners on the store's engine.

The sync's budget (docs/sync.md, "What a sync costs the store") is checked with it by
tests and printed by ``bench/bench_sync.py``. Only the calling thread's work is counted
(a lease renewed by another thread meanwhile is not the sync's).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from service.store.engine import WRITES
from service.store.store import Store


@dataclass
class StoreCounts:
    read_transactions: int = 0
    write_transactions: int = 0
    statements: int = 0
    # The statements in the order they ran, their first words (for failure messages).
    trace: list[str] = field(default_factory=list)

    @property
    def transactions(self) -> int:
        return self.read_transactions + self.write_transactions

    def __str__(self) -> str:
        return (
            f"{self.transactions} transactions ({self.read_transactions} read, "
            f"{self.write_transactions} write), {self.statements} statements"
        )


@contextmanager
def count_store(store: Store) -> Iterator[StoreCounts]:
    """Counts the transactions and statements this thread runs on ``store`` in the block."""
    counts = StoreCounts()
    thread = threading.get_ident()

    def on_begin(connection: Any) -> None:
        if threading.get_ident() != thread:
            return
        if connection.get_execution_options().get(WRITES):
            counts.write_transactions += 1
        else:
            counts.read_transactions += 1

    def on_statement(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if threading.get_ident() != thread or statement.startswith("BEGIN"):
            return
        counts.statements += 1
        counts.trace.append(" ".join(statement.split()[:6]))

    engine = store.engine
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)
