"""The use cases against the real emulator (over HTTP, through google-api-python-client)
and a real store (a SQLite file, then PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from service.clock import Clock
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.provision import Provisioned, provision_map
from service.sheets import (
    GoogleMapSheets,
    PerThreadGateways,
    RetryPolicy,
    build_gateway,
    service_account_credentials,
    user_credentials,
)
from service.store import Store
from tests.db_fixtures import (
    database_url,
    make_store,
    migrated_store,
    postgres_database_url,
)
from tests.map_requests import BUYER, SELLER, map_request

__all__ = ["BUYER", "SELLER", "database_url", "make_store"]

SERVICE_ACCOUNT = "map-backend@map-local.iam.gserviceaccount.com"
FAST_RETRY = RetryPolicy(max_retries=6, base_delay_s=0.01, max_delay_s=0.05)


@dataclass
class World:
    """The emulator, the store and a Backend wired to both."""

    url: str
    backend: Backend
    clock: Clock
    store: Store
    gateways: PerThreadGateways

    def token_for(self, email: str) -> str:
        reply = requests.post(
            f"{self.url}/__emulator/oidc/access-token", json={"email": email}, timeout=10
        )
        reply.raise_for_status()
        return str(reply.json()["access_token"])

    def today(self) -> date:
        return self.clock().date()

    def go_live(self) -> date:
        """The go-live of a MAP made by :meth:`provision`: about four months out, a
        Wednesday (the clock starts on a Monday)."""
        return self.today() + timedelta(days=128)

    def monday_in(self, weeks: int) -> date:
        """A business day ``weeks`` from the start: a Monday before the go-live."""
        return self.today() + timedelta(weeks=weeks)

    def provision(self, **overrides: Any) -> Provisioned:
        go_live = overrides.pop("go_live", self.go_live())
        request = map_request(go_live, **overrides)
        return provision_map(self.backend, request, self.token_for(SELLER))

    def counters(self, spreadsheet_id: str) -> dict[str, int]:
        reply = requests.get(
            f"{self.url}/__emulator/counters", params={"spreadsheet_id": spreadsheet_id}, timeout=10
        )
        reply.raise_for_status()
        body = reply.json()
        return dict(body.get("counts", body))

    def reset_counters(self) -> None:
        requests.delete(f"{self.url}/__emulator/counters", timeout=10).raise_for_status()

    def edit(self, spreadsheet_id: str, a1: str, value: Any, *, user: str = BUYER) -> None:
        """A person's edit, as the Sheets UI makes it (USER_ENTERED)."""
        from emulator.sheets.values_ops import apply_values_update

        state = self.backend_emulator_state
        apply_values_update(state, spreadsheet_id, a1, [[value]], "USER_ENTERED", user)

    backend_emulator_state: Any = None
    database_url: str = ""


@pytest.fixture
def store(make_store: Callable[..., Store], clock: Clock) -> Store:
    """A migrated Store on a fresh database, once per backend, on the test's clock."""
    return make_store(clock=clock)


@pytest.fixture
def world(emulator: Any, store: Store, clock: Clock) -> Iterator[World]:
    """The emulator and a Backend on a fresh store, once on SQLite, once on PostgreSQL."""
    made = make_world(emulator, store, clock)
    yield made
    made.gateways.close()


@pytest.fixture
def postgres_world(emulator: Any, clock: Clock) -> Iterator[World]:
    """Like ``world``, on PostgreSQL only (for cases that need several processes)."""
    with postgres_database_url() as url, migrated_store(url, clock=clock) as pg_store:
        world = make_world(emulator, pg_store, clock)
        world.database_url = url
        yield world
        world.gateways.close()


def make_world(emulator: Any, store: Store, clock: Clock) -> World:
    key = requests.post(
        f"{emulator.url}/__emulator/oidc/service-account",
        json={"email": SERVICE_ACCOUNT},
        timeout=10,
    ).json()
    credentials = service_account_credentials(key_info=key)

    gateways = PerThreadGateways(
        lambda: build_gateway(credentials, api_root=emulator.url, retry=FAST_RETRY)
    )

    def seller_sheets(token: str) -> GoogleMapSheets:
        return GoogleMapSheets(
            build_gateway(user_credentials(token), api_root=emulator.url, retry=FAST_RETRY)
        )

    backend = Backend(
        store=store,
        sheets=lambda: GoogleMapSheets(gateways()),
        seller_sheets=seller_sheets,
        service_account_email=SERVICE_ACCOUNT,
        now=clock,
    )
    w = World(url=emulator.url, backend=backend, clock=clock, store=store, gateways=gateways)
    w.backend_emulator_state = emulator.state
    return w


def provisioned(world: World) -> str:
    """A new MAP, synced once (as after its first notification): its spreadsheet id."""
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    return sid


SheetGetter = Callable[[str], dict[str, Any]]


def race_hook(
    world: World,
    spreadsheet_id: str,
    *,
    method: str = "sheets.spreadsheets.get",
    after: int = 1,
    user: str = BUYER,
    **edit: Any,
) -> None:
    """Apply an edit as ``user`` right after the backend's next read (before its write)."""
    body = {
        "method": method,
        "spreadsheet_id": spreadsheet_id,
        "after": after,
        "user": user,
        **edit,
    }
    requests.post(f"{world.url}/__emulator/race-hooks", json=body, timeout=10).raise_for_status()


def race_hooks_fired(world: World) -> list[str]:
    hooks = requests.get(f"{world.url}/__emulator/race-hooks", timeout=10).json()["hooks"]
    return [h["status"] for h in hooks]


def add_fault(world: World, **rule: Any) -> None:
    requests.post(f"{world.url}/__emulator/faults", json=rule, timeout=10).raise_for_status()


def clear_faults(world: World) -> None:
    requests.delete(f"{world.url}/__emulator/faults", timeout=10).raise_for_status()
