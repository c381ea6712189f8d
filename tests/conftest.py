"""Fixtures shared by every test.

Each test runs with a clean ``MAP_*``/``DATABASE_URL`` environment so nothing depends
on the developer's shell. Heavier fixtures (the emulator, the store, the backend) live
in the conftest of the folder that needs them, or here when several folders share them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from service.clock import Clock
from tests.clock import make_clock


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MAP_") or name == "DATABASE_URL":
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _check_known_states() -> Iterator[None]:
    """Every MAP state a sync takes from those this process holds is compared with the
    stored snapshot, parsed (``service.services.known_states``): a difference fails."""
    from service.services.known_states import KNOWN_STATES

    KNOWN_STATES.verify = True
    yield
    KNOWN_STATES.verify = False


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Any]:
    """A running in-memory emulator for the whole session (``.url`` is its base URL)."""
    from emulator.server import EmulatorServer

    with EmulatorServer() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    """The test's clock (see tests/clock.py)."""
    return make_clock()


@pytest.fixture
def emulator(emulator_server: Any, clock: Clock) -> Iterator[Any]:
    """The session's emulator, on the test's clock; tests use fresh spreadsheets, so no
    reset is needed."""
    emulator_server.state.clock.follow(clock)
    yield emulator_server
    emulator_server.state.clock.reset()


@pytest.fixture
def real_time_emulator(emulator_server: Any) -> Any:
    """The session's emulator on real time, for tests of whole programs that keep real
    time themselves (gunicorn, ``serve``, the ``map`` command)."""
    emulator_server.state.clock.reset()
    return emulator_server
