"""Fixtures of the Cloud Tasks tests: the emulator of Cloud Tasks started per test,
and the app on the ``cloud_tasks`` dispatcher, served over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from google.cloud import tasks_v2

from service.clock import Clock
from service.config import Settings
from service.web.app import create_app
from tests.integration.tasks.cloud_tasks_stack import (
    LOCATION,
    PROJECT,
    TASKS_ACCOUNT,
    ServedApp,
    cloud_tasks_emulator,
    create_queue,
    tasks_client,
)
from tests.integration.web import conftest as web

# The web tests' fixtures, shared: a fresh store of each backend, settings, apps.
db_backend = web.db_backend
make_settings = web.make_settings
make_app = web.make_app
context = web.context


@pytest.fixture
def tasks_host(emulator: Any) -> Iterator[str]:
    """A Cloud Tasks emulator on the test's clock, for one test."""
    with cloud_tasks_emulator(emulator.url) as host:
        yield host


@pytest.fixture
def tasks(tasks_host: str) -> Iterator[tasks_v2.CloudTasksClient]:
    client = tasks_client(tasks_host)
    yield client
    client.transport.close()  # type: ignore[no-untyped-call]


@pytest.fixture
def queue_path(tasks: tasks_v2.CloudTasksClient) -> str:
    return create_queue(tasks, f"map-sync-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def make_tasks_app(
    make_settings: Callable[..., Settings], clock: Clock, tasks_host: str, queue_path: str
) -> Iterator[Callable[..., Flask]]:
    """Apps whose syncs go through the Cloud Tasks emulator, served over HTTP."""
    made: list[tuple[Flask, ServedApp]] = []

    def build(**overrides: Any) -> Flask:
        served = ServedApp()
        values: dict[str, Any] = {
            "sync_dispatcher": "cloud_tasks",
            "tasks_emulator_host": tasks_host,
            "tasks_project": PROJECT,
            "tasks_location": LOCATION,
            "tasks_queue": queue_path.rsplit("/", 1)[1],
            "tasks_target_url": served.url,
            "tasks_service_account": TASKS_ACCOUNT,
            **overrides,
        }
        app = create_app(make_settings(**values), clock=clock)
        served.app = app
        made.append((app, served))
        return app

    yield build
    for app, served in made:
        served.close()
        context(app).close()
