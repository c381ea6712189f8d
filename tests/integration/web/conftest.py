"""Fixtures of the web tests: the real app (``create_app``) on a real store, talking to
the session's emulator. ``app`` runs on a SQLite file; a module that sets
``pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)`` runs on
PostgreSQL too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from service.clock import Clock
from service.config import Settings
from service.store import Store
from service.web.app import create_app
from service.web.context import EXTENSION, WebContext
from tests.db_fixtures import backend_database_url
from tests.integration.web.tokens import AUDIENCE, CRON_ACCOUNT

# A port nothing listens on: Drive push messages the emulator sends there are dropped.
UNREACHABLE_URL = "http://127.0.0.1:9"


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def make_settings(
    db_backend: str, tmp_path: Path, emulator: Any
) -> Iterator[Callable[..., Settings]]:
    """Settings for an app on a fresh database of ``db_backend`` and the emulator."""
    with backend_database_url(db_backend, tmp_path) as url:

        def build(**overrides: Any) -> Settings:
            values: dict[str, Any] = {
                "data_dir": tmp_path,
                "database_url": url,
                "google_mode": "local",
                "emulator_url": emulator.url,
                "oauth_audiences": [AUDIENCE],
                "public_url": UNREACHABLE_URL,
                "trust_cron_header": True,
                "cron_service_account": CRON_ACCOUNT,
                "google_max_retries": 1,
                "log_format": "json",
            }
            values.update(overrides)
            return Settings(**values)

        yield build


@pytest.fixture
def make_app(
    make_settings: Callable[..., Settings], clock: Clock
) -> Iterator[Callable[..., Flask]]:
    """Apps on the test's clock (the emulator's too)."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(make_settings(**overrides), clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        context(app).close()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def store(app: Flask) -> Store:
    return context(app).backend.store


def context(app: Flask) -> WebContext:
    web: WebContext = app.extensions[EXTENSION]
    return web


def emulator_calls(emulator_url: str) -> int:
    """Every Sheets and Drive request the emulator has served so far."""
    counters = requests.get(f"{emulator_url}/__emulator/counters", timeout=10).json()
    return sum(c["count"] for c in counters["counters"])
