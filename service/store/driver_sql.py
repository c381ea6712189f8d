"""A sync's own statements, run as SQL the driver executes (``exec_driver_sql``).

A sync loads its MAP in one statement and records itself in four (docs/store.md). Run
as Core statements, each went through SQLAlchemy's whole execution of a compiled
statement: its cache key worked out and looked up, an execution context built around
the compiled form, the parameters processed through it and a result set up from its
columns. That was about 35 us of Python a statement on this machine, and about 4 us of
SQLite's own work; ``exec_driver_sql`` of the same SQL costs about 10 us.

Each statement is still written as a Core statement and compiled by SQLAlchemy, once
for each database dialect (:func:`compiled`); the SQL it compiles to is run with
``exec_driver_sql``, so SQLAlchemy still begins and commits the transaction, tells its
listeners of the statement (``before_cursor_execute``: the store's statement counts),
and raises the driver's errors as its own (``IntegrityError``, ``OperationalError``),
invalidating a connection that was lost. What the compiled statement's execution would
do to the values, this does with the same SQLAlchemy types: each parameter goes through
its column type's bind processor (a timestamp to UTC, a document to JSON), and each
column read through its result processor (JSON text to a document, SQLite's text to a
date or a timestamp).

Not for a statement with defaults SQLAlchemy fills in at execution (a column default
left out of an INSERT) or with parameters that expand (``IN``): the sync's statements
name every value they set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Select

Processor = Callable[[Any], Any]


@dataclass(frozen=True, eq=False)
class CompiledSql:
    """A statement as SQL for one dialect, and what its values go through (compared
    and hashed as itself: one for each statement and dialect)."""

    sql: str
    # The parameters' names in the order the SQL takes them (a positional paramstyle:
    # SQLite's ``?``); None when it takes them by name (psycopg's ``%(name)s``).
    order: tuple[str, ...] | None
    binds: dict[str, Processor]  # the parameters that have a bind processor
    fixed: dict[str, Any]  # the statement's own values (its literals), by parameter
    # A SELECT's (or RETURNING's) columns: the row type, and each column's name and type.
    row: type[tuple[Any, ...]] | None
    columns: tuple[tuple[str, Any], ...]


@lru_cache(maxsize=256)
def compiled(statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...] = ()) -> CompiledSql:
    """``statement`` compiled for ``dialect`` and the parameters named ``keys`` (an
    INSERT without values of its own sets the columns its parameters name), with its
    types' processors (kept: the statements given are built once each, by functions that
    keep them)."""
    form = cast(
        SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
    )
    binds: dict[str, Processor] = {}
    fixed: dict[str, Any] = {}
    for name, bind in form.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            binds[name] = processor
        if not bind.required:  # a value of the statement's own (a literal: ``+ 1``)
            fixed[name] = bind.effective_value
    order = tuple(form.positiontup) if form.positional and form.positiontup else None
    columns = tuple(_returned(statement))
    row: Any = NamedTuple("Row", [(name, Any) for name, _ in columns]) if columns else None
    return CompiledSql(form.string, order, binds, fixed, row, columns)


def execute(
    connection: Connection,
    statement: ClauseElement,
    parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> CursorResult[Any]:
    """Run ``statement`` with ``parameters`` (a list of them: once for each, as one
    ``executemany``) on ``connection``, in its transaction."""
    if isinstance(parameters, Mapping):
        done = compiled(statement, connection.dialect, _keys(statement, parameters))
        return connection.exec_driver_sql(done.sql, _arguments(done, parameters))
    done = compiled(statement, connection.dialect, _keys(statement, parameters[0]))
    return connection.exec_driver_sql(done.sql, [_arguments(done, p) for p in parameters])


def rows(connection: Connection, result: CursorResult[Any], statement: ClauseElement) -> list[Any]:
    """The result's rows, each value through its column's result processor, as named
    tuples (``row.column``, as SQLAlchemy's rows read)."""
    dialect = connection.dialect
    done = compiled(statement, dialect)
    assert done.row is not None, "a statement that returns no rows"
    # The driver's type of each column, as SQLAlchemy gives it to a result processor
    # (psycopg's numeric types are told apart by it).
    kinds = tuple(d[1] for d in result.cursor.description or ())
    make, processors = done.row, _result_processors(done, dialect, kinds)
    return [
        make(*(value if p is None else p(value) for p, value in zip(processors, raw, strict=True)))
        for raw in result.fetchall()
    ]


@lru_cache(maxsize=256)
def _result_processors(
    done: CompiledSql, dialect: Dialect, kinds: tuple[Any, ...]
) -> tuple[Processor | None, ...]:
    return tuple(
        kind.dialect_impl(dialect).result_processor(dialect, driver_kind)
        for (_, kind), driver_kind in zip(done.columns, kinds, strict=True)
    )


def _keys(statement: ClauseElement, parameters: Mapping[str, Any]) -> tuple[str, ...]:
    """The parameters' names, for a statement whose SQL depends on them (an INSERT or an
    UPDATE: a parameter named as a column sets it); () for a SELECT."""
    return () if isinstance(statement, Select) else tuple(parameters)


def _arguments(done: CompiledSql, parameters: Mapping[str, Any]) -> Any:
    binds = done.binds
    given = {**done.fixed, **parameters} if done.fixed else parameters
    values = {name: binds[name](value) if name in binds else value for name, value in given.items()}
    if done.order is None:
        return values
    return tuple(values[name] for name in done.order)


def _returned(statement: ClauseElement) -> list[tuple[str, Any]]:
    """The columns a SELECT reads or an INSERT, UPDATE or DELETE returns: name, type."""
    if isinstance(statement, Select):
        return [(str(column.key), column.type) for column in statement.selected_columns]
    described = getattr(statement, "returning_column_descriptions", None) or []
    return [(column["name"], column["type"]) for column in described]
