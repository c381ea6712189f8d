"""Fixtures of the emulator's own tests: one in-memory emulator for the session, on its
own clock (set to a fixed instant for each test, so nothing depends on the day)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from emulator.server import EmulatorServer

# A Monday afternoon in UTC.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> Iterator[Any]:
    """The session's emulator with its clock at ``START``; tests use fresh files."""
    emulator_server.state.clock.set(START)
    yield emulator_server
    emulator_server.state.clock.reset()
