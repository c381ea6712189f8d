"""Schema migrations with Alembic, run from code (``migrate``) or from its command line
(``alembic -c service/store/alembic.ini upgrade head``; see docs/store.md)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from service.store.engine import patient_sqlite, writing

MIGRATIONS = Path(__file__).parent / "migrations"
# Key of the PostgreSQL advisory lock that serialises concurrent migrations of a schema.
_LOCK_CLASS = 0x4D4150  # "MAP"
# How long a migration waits for another process's migration on SQLite (PostgreSQL's
# advisory lock waits as long as it takes).
_MIGRATION_WAIT_MS = 120_000


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store, bound to ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrades the database to ``revision``; does nothing if it is there already.

    Safe when several processes start at once: on PostgreSQL they queue on an advisory
    lock (per schema); on SQLite on the write lock (``BEGIN IMMEDIATE``).
    """
    with (
        writing(engine).connect() as connection,
        patient_sqlite(connection, _MIGRATION_WAIT_MS),
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(current_schema()))"),
                {"lock_class": _LOCK_CLASS},
            )
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrades the database to ``revision`` (``"base"``: an empty schema)."""
    with writing(engine).begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
