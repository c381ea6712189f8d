"""The Sheets budget every instance shares (service/runtime/quota_budget.py): with a
budget of N reads and N writes a minute in the backend and Google's quota (the
emulator's) also at N, syncing more than N MAPs in one minute never gets a 429: the
syncs past the budget wait for the next minute, and every MAP converges once the clock
has moved a minute on. On SQLite and PostgreSQL (the ``world`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from emulator.testing import wait_for
from service.runtime.quota_budget import StoreQuotaBudget
from service.runtime.sync_pool import SyncPool
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.pacing import Pacing, paced_sync
from service.services.sweep import sweep
from service.sheets import (
    GoogleMapSheets,
    PerThreadGateways,
    build_gateway,
    service_account_credentials,
)
from tests.integration.services.burst import due_for
from tests.integration.services.conftest import FAST_RETRY, SERVICE_ACCOUNT, World
from tests.integration.services.sheet_view import row_number

BUDGET = 4
MAPS = 7


def quotas(world: World, method: str, **kwargs: Any) -> Any:
    reply = requests.request(method, f"{world.url}/__emulator/quotas", timeout=10, **kwargs)
    reply.raise_for_status()
    return reply.json()


@pytest.fixture
def budgeted(world: World) -> Iterator[Backend]:
    """The world's backend with the budget of BUDGET reads and writes a minute."""
    key = requests.post(
        f"{world.url}/__emulator/oidc/service-account",
        json={"email": SERVICE_ACCOUNT},
        timeout=10,
    ).json()
    credentials = service_account_credentials(key_info=key)
    budget = StoreQuotaBudget(world.store, SERVICE_ACCOUNT, reads=BUDGET, writes=BUDGET)
    gateways = PerThreadGateways(
        lambda: build_gateway(credentials, api_root=world.url, retry=FAST_RETRY, budget=budget)
    )
    yield Backend(
        store=world.store,
        sheets=lambda: GoogleMapSheets(gateways()),
        seller_sheets=world.backend.seller_sheets,
        service_account_email=SERVICE_ACCOUNT,
        now=world.clock,
    )
    gateways.close()


def synced_maps_under_the_quota(world: World) -> list[str]:
    """MAPS new MAPs, each synced once; then Google's quota (the emulator's) set to
    BUDGET reads and writes a minute."""
    sids = [world.provision().spreadsheet_id for _ in range(MAPS)]
    for sid in sids:
        sync_coalesced(world.backend, sid)
    quotas(world, "PUT", json={"read_per_user": BUDGET, "write_per_user": BUDGET})
    return sids


def test_more_maps_than_the_budget_in_a_minute_get_no_429_and_all_converge(
    world: World, budgeted: Backend
) -> None:
    sids = synced_maps_under_the_quota(world)
    pool = SyncPool(
        lambda sid: paced_sync(budgeted, sid, Pacing(quiet_s=0, max_wait_s=0)).again_in_s,
        workers=3,
        now=world.clock,
    )
    try:
        for sid in sids:  # a buyer edit in each MAP, and its notification
            row = row_number(world.backend_emulator_state, sid, "m2")
            world.edit(sid, f"Plan!F{row}", due_for(1).isoformat())
            world.store.request_sync(sid)
            pool.submit(sid)

        def synced() -> list[str]:
            return [s for s in sids if any(e.field == "due" for e in world.store.history(s))]

        wait_for(lambda: len(synced()) == BUDGET, what="the budget's worth of syncs")
        wait_for(
            lambda: all(
                (state := world.store.sync_state(s)) is not None and state.lease_owner is None
                for s in sids
            ),
            what="the others refused by the budget",
        )
        assert len(synced()) == BUDGET
        used = quotas(world, "GET")
        assert used["refused"] == 0, used

        world.clock.advance(seconds=62)  # a minute on: room again
        wait_for(lambda: len(synced()) == MAPS, what="every MAP synced")
        assert pool.wait_idle(60)
        report = quotas(world, "GET")
    finally:
        pool.close()
        quotas(world, "DELETE")

    assert report["refused"] == 0  # Google never said 429
    assert report["used"][f"{SERVICE_ACCOUNT}/read"] == MAPS - BUDGET  # this minute's reads
    for sid in sids:
        state = world.store.sync_state(sid)
        assert state is not None and not state.pending
        assert [e.new for e in world.store.history(sid) if e.field == "due"] == [
            due_for(1).isoformat()
        ]


def test_the_serial_sweep_puts_off_what_the_budget_refuses_instead_of_failing_it(
    world: World, budgeted: Backend
) -> None:
    sids = synced_maps_under_the_quota(world)
    try:
        for sid in sids:  # a buyer edit in each MAP whose notification's sync never ran
            row = row_number(world.backend_emulator_state, sid, "m2")
            world.edit(sid, f"Plan!F{row}", due_for(1).isoformat())
            world.store.request_sync(sid)
        first = sweep(budgeted)
        assert first.failed == []
        assert first.retried == BUDGET
        still_pending = [s for s in sids if (st := world.store.sync_state(s)) and st.pending]
        assert sorted(first.deferred) == sorted(still_pending)
        assert len(first.deferred) == MAPS - BUDGET
        assert quotas(world, "GET")["refused"] == 0  # the budget stopped it, not Google

        world.clock.advance(seconds=62)  # a minute on: the next sweep does the rest
        second = sweep(budgeted)
        assert (second.retried, second.failed, second.deferred) == (MAPS - BUDGET, [], [])
        assert quotas(world, "GET")["refused"] == 0
    finally:
        quotas(world, "DELETE")
    for sid in sids:
        assert [e.new for e in world.store.history(sid) if e.field == "due"] == [
            due_for(1).isoformat()
        ]
