"""Databases for tests: a migrated Store on a SQLite file and on PostgreSQL.

Use the fixtures in any test folder by importing them into its conftest.py::

    from tests.db_fixtures import database_url, make_store, store  # noqa: F401

Then a test that takes ``store`` runs twice, ``[sqlite]`` and ``[postgres]``, each on a
fresh, migrated database. For other scopes (a module-wide store for a web app, say),
build one from the context managers: ``sqlite_database_url``, ``postgres_database_url``,
``migrated_store``.

PostgreSQL comes from ``TEST_DATABASE_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each use gets its own schema,
created fresh, named uniquely, chosen through the connection's ``search_path`` (in the
URL, so child processes get it too), and dropped at the end, so any number of test runs
can share the server. Without ``TEST_DATABASE_URL``, or when the server does not answer,
the PostgreSQL cases are skipped with the reason; with ``TEST_REQUIRE_POSTGRES=1`` (CI)
they fail instead.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from service.store import MapRecord, Store, migrate
from tests.clock import START

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def sqlite_database_url(directory: Path) -> str:
    """The URL of a new SQLite file in ``directory``."""
    return f"sqlite:///{directory / f'store-{uuid.uuid4().hex[:8]}.sqlite3'}"


def postgres_server_url() -> str:
    """``TEST_DATABASE_URL`` if its server answers; otherwise skips (or fails in CI)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    problem = _postgres_problem(url)
    if problem:
        if os.environ.get("TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (TEST_REQUIRE_POSTGRES=1): {problem}")
        pytest.skip(f"PostgreSQL unavailable: {problem}")
    return url


@functools.cache
def _postgres_problem(url: str) -> str:
    if not url:
        return "TEST_DATABASE_URL is not set"
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:
        return f"cannot connect to TEST_DATABASE_URL ({type(exc).__name__}: {exc})"
    return ""


@contextmanager
def postgres_database_url() -> Iterator[str]:
    """The URL of a fresh, empty schema on the test server, dropped afterwards."""
    server = make_url(postgres_server_url())
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        existing = server.query.get("options", "")
        options = f"{existing} -csearch_path={schema}".strip()
        yield server.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def backend_database_url(backend: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database of ``backend`` ("sqlite" or "postgres")."""
    if backend == "sqlite":
        yield sqlite_database_url(directory)
    elif backend == "postgres":
        with postgres_database_url() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")


@contextmanager
def migrated_store(url: str, **store_options: Any) -> Iterator[Store]:
    """A Store on ``url`` with the schema migrated to head; closed afterwards."""
    store = Store.from_url(url, **store_options)
    try:
        migrate(store.engine)
        yield store
    finally:
        store.close()


def make_map(store: Store, **overrides: Any) -> MapRecord:
    """Registers a MAP with plausible values; any ``register_map`` argument overrides."""
    values: dict[str, Any] = {
        "spreadsheet_id": f"sheet-{uuid.uuid4().hex[:12]}",
        "org": "vendor.example",
        "seller_email": "sam@vendor.example",
        "account": "Acme Corp",
        "outcome": "Cut new-hire ramp time by half",
        "template": "simple-close-plan",
        "country": "US",
        "committed_go_live": START.date() + timedelta(days=128),
        "created_on": START.date() - timedelta(days=21),
        "buyer_emails": ["dana@acme.example"],
    }
    values.update(overrides)
    return store.register_map(**values)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a PostgreSQL schema."""
    with backend_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def make_store(database_url: str) -> Iterator[Callable[..., Store]]:
    """Builds Stores on the test's database (migrated once), with any Store options
    (``clock=...``); all are closed at the end of the test."""
    with ExitStack() as stack:
        stack.enter_context(migrated_store(database_url))

        def build(**store_options: Any) -> Store:
            store = Store.from_url(database_url, **store_options)
            stack.callback(store.close)
            return store

        yield build


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    """A migrated Store on a fresh database, once per backend."""
    return make_store()
