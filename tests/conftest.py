"""Fixtures shared by every test.

Each test runs with a clean ``MAP_*``/``DATABASE_URL`` environment so nothing depends
on the developer's shell. Heavier fixtures (the emulator, the store, the backend) live
in the conftest of the folder that needs them, or here when several folders share them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MAP_") or name == "DATABASE_URL":
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[object]:
    """A running in-memory emulator for the whole session (``.url`` is its base URL)."""
    from service.emulator.server import EmulatorServer

    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emulator(emulator_server: object) -> object:
    """The session's emulator; tests use fresh spreadsheets, so no reset is needed."""
    return emulator_server
