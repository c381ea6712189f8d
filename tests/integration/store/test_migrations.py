from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import service.store
from service.store import Store, current_revision, head_revision, migrate
from service.store.migrate import downgrade
from service.store.tables import Base
from tests.db_fixtures import make_map

ALEMBIC_INI = Path(service.store.__file__).parent / "alembic.ini"
TABLES = {
    "maps",
    "snapshots",
    "history_events",
    "sync_state",
    "watch_channels",
    "reviews",
    "edit_events",
    "reminder_settings",
    "reminder_opt_outs",
    "outbox_messages",
    "reminder_keys",
    "used_links",
    "org_calibrations",
    "sheets_quota",
}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_an_empty_database_migrates_to_head(database_url: str) -> None:
    with Store.from_url(database_url) as store:
        assert current_revision(store.engine) is None
        assert _tables(store.engine) == set()

        migrate(store.engine)

        assert current_revision(store.engine) == head_revision()
        assert _tables(store.engine) == TABLES


def test_migrating_again_changes_nothing_and_keeps_the_data(database_url: str) -> None:
    with Store.from_url(database_url) as store:
        store.migrate()
        make_map(store, spreadsheet_id="sheet-1")

        store.migrate()
        store.migrate()

        assert current_revision(store.engine) == head_revision()
        assert store.get_map("sheet-1") is not None


def test_the_migrated_schema_is_exactly_the_tables_of_the_code(database_url: str) -> None:
    with Store.from_url(database_url) as store:
        store.migrate()
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_a_schema_downgraded_to_nothing_upgrades_again(database_url: str) -> None:
    with Store.from_url(database_url) as store:
        store.migrate()

        downgrade(store.engine, "base")
        assert _tables(store.engine) == set()
        assert current_revision(store.engine) is None

        store.migrate()
        assert _tables(store.engine) == TABLES


def test_processes_starting_together_migrate_once_without_error(database_url: str) -> None:
    stores = [Store.from_url(database_url) for _ in range(4)]
    start = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def start_up(store: Store) -> None:
        start.wait()
        try:
            store.migrate()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start_up, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert current_revision(stores[0].engine) == head_revision()
    finally:
        for store in stores:
            store.close()


def _alembic(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_alembics_command_line_migrates_the_database_named_by_database_url(
    database_url: str,
) -> None:
    upgraded = _alembic(database_url, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    shown = _alembic(database_url, "current")

    assert shown.returncode == 0, shown.stderr
    assert head_revision() in shown.stdout
    with Store.from_url(database_url) as store:
        assert _tables(store.engine) == TABLES


def test_alembics_command_line_prints_the_sql_for_a_database_administrator(
    database_url: str,
) -> None:
    printed = _alembic(database_url, "upgrade", "head", "--sql")

    assert printed.returncode == 0, printed.stderr
    assert "CREATE TABLE maps" in printed.stdout
    assert "CREATE TABLE sync_state" in printed.stdout
