"""The use cases on an in-memory spreadsheet (``tests/fakes/memory_sheets.py``) and a
real store: one SQLite file for the session, emptied before each test (a Store per test
would spend most of the test warming up its engine), on one clock reset to the tests'
start before each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

from service.clock import Clock
from service.services.backend import Backend
from service.services.coalesce import CoalescedRun, sync_coalesced
from service.services.provision import Provisioned, provision_map
from service.services.sync import SyncDeps, SyncResult, sync_map
from service.services.views import map_view
from service.store import Store
from service.store.tables import Base
from service.templates import Template, load_template
from tests.clock import START, make_clock
from tests.fakes.memory_drive import BACKEND, MemoryDrive
from tests.fakes.memory_sheets import MemoryMapSheets
from tests.map_requests import BUYER, ORG, SELLER, map_request

__all__ = ["BUYER", "ORG", "SELLER"]


@pytest.fixture(scope="session")
def session_clock() -> Clock:
    return make_clock()


@pytest.fixture
def clock(session_clock: Clock) -> Clock:
    """The test's clock: the session's, back at the tests' start."""
    session_clock.set(START)
    return session_clock


@pytest.fixture(scope="session")
def session_store(
    tmp_path_factory: pytest.TempPathFactory, session_clock: Clock
) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("store") / "store.sqlite3"
    with Store.from_url(f"sqlite:///{path}", clock=session_clock) as store:
        store.migrate()
        yield store


@pytest.fixture
def store(session_store: Store, clock: Clock) -> Store:
    """The session's store, empty."""
    with session_store.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return session_store


@dataclass
class Desk:
    """The in-memory spreadsheets, the store, and a Backend wired to both."""

    drive: MemoryDrive
    store: Store
    backend: Backend
    clock: Clock

    def today(self) -> date:
        return self.clock().date()

    def go_live(self) -> date:
        """About four months out, a Wednesday (the clock starts on a Monday)."""
        return self.today() + timedelta(days=128)

    def provision(self, **overrides: Any) -> Provisioned:
        request = map_request(self.go_live(), **overrides)
        # A seller's "access token" here is their email: MemoryDrive acts as them.
        return provision_map(self.backend, request, SELLER, template=template(request.template))

    def new_map(self, **overrides: Any) -> str:
        """A new MAP, with the call counts reset."""
        spreadsheet_id = self.provision(**overrides).spreadsheet_id
        self.drive.reset_calls()
        return spreadsheet_id

    def sync(self, spreadsheet_id: str) -> SyncResult:
        """One sync (what a change path runs inside the spreadsheet's lease)."""
        return sync_map(self.deps(), spreadsheet_id)

    def coalesced(self, spreadsheet_id: str, **options: Any) -> CoalescedRun:
        """What every change path runs: notify, then sync under the lease, trying again
        at once on transient errors."""
        return sync_coalesced(self.backend, spreadsheet_id, sleep=lambda _s: None, **options)

    def deps(self) -> SyncDeps:
        return SyncDeps(self.store, self.backend.sheets(), self.clock)

    def history(self, spreadsheet_id: str) -> list[tuple[str | None, str, str | None]]:
        return [(e.milestone_id, e.field, e.new) for e in self.store.history(spreadsheet_id)]

    def risk_codes(self, spreadsheet_id: str) -> list[str]:
        """The MAP's risks as last computed."""
        return [r["code"] for r in map_view(self.backend, spreadsheet_id).risks]


@cache
def template(name: str) -> Template:
    """A template, read once per session (YAML is slow to parse)."""
    return load_template(name)


@pytest.fixture
def drive() -> MemoryDrive:
    return MemoryDrive()


@pytest.fixture
def desk(drive: MemoryDrive, store: Store, clock: Clock) -> Desk:
    backend = Backend(
        store=store,
        sheets=lambda: MemoryMapSheets(drive, BACKEND),
        seller_sheets=lambda email: MemoryMapSheets(drive, email),
        service_account_email=BACKEND,
        now=clock,
    )
    return Desk(drive, store, backend, clock)
