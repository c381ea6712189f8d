"""Fixtures of the store's tests: each test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.store import Store
from tests.db_fixtures import database_url, make_store, store
from tests.integration.store.fake_clock import FakeClock

__all__ = ["clock", "clocked_store", "database_url", "make_store", "store"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked_store(make_store: Callable[..., Store], clock: FakeClock) -> Store:
    """A Store whose time is ``clock``."""
    return make_store(clock=clock)
