"""What one sync asks of the store (docs/sync.md, "What a sync costs the store"): one
read-only transaction for everything it loads and one write transaction for everything it
records, whether it writes the sheet or not (nothing is stored ahead of the
``batchUpdate``: DESIGN I7). Counted by SQLAlchemy event listeners on the store's engine,
on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from service.services.coalesce import sync_coalesced
from service.services.if_changed import sync_if_changed
from service.services.rollover import rollover_map
from service.services.sync import SyncDeps, SyncResult, sync_map
from service.store.counting import StoreCounts, count_store
from tests.integration.services.conftest import World, provisioned
from tests.integration.services.sheet_view import row_number


def counted(
    world: World, spreadsheet_id: str, use_case: object = sync_map
) -> tuple[SyncResult, StoreCounts]:
    assert callable(use_case)
    with world.backend.sheets() as sheets, count_store(world.store) as counts:
        result = use_case(SyncDeps(world.store, sheets, world.backend.now), spreadsheet_id)
    assert isinstance(result, SyncResult)
    return result, counts


def test_a_sync_that_writes_loads_in_one_transaction_and_records_in_one(world: World) -> None:
    sid = provisioned(world)
    row = row_number(world.backend_emulator_state, sid, "m2")
    world.edit(sid, f"Plan!G{row}", "In progress")
    result, counts = counted(world, sid)
    assert result.wrote and result.changes == 1
    assert (counts.read_transactions, counts.write_transactions) == (1, 1), counts.trace
    assert [(e.field, e.new) for e in world.store.history(sid)] == [("status", "In progress")]


def test_a_sync_that_writes_nothing_makes_one_read_and_one_write_transaction(
    world: World,
) -> None:
    sid = provisioned(world)
    result, counts = counted(world, sid)
    assert not result.wrote
    assert (counts.read_transactions, counts.write_transactions) == (1, 1), counts.trace


def test_a_notification_of_our_own_write_costs_one_read_and_one_write_transaction(
    world: World,
) -> None:
    sid = provisioned(world)
    result, counts = counted(world, sid, sync_if_changed)
    assert not result.read and not result.wrote
    assert (counts.read_transactions, counts.write_transactions) == (1, 1), counts.trace


def test_a_notification_of_an_edit_loads_once_for_the_check_and_the_sync(world: World) -> None:
    sid = provisioned(world)
    row = row_number(world.backend_emulator_state, sid, "m3")
    world.edit(sid, f"Plan!G{row}", "In progress")
    result, counts = counted(world, sid, sync_if_changed)
    assert result.read and result.wrote
    assert (counts.read_transactions, counts.write_transactions) == (1, 1), counts.trace


def test_a_rollover_with_nothing_to_write_makes_one_read_and_one_write_transaction(
    world: World,
) -> None:
    sid = provisioned(world)
    result, counts = counted(world, sid, rollover_map)
    assert not result.read and not result.wrote
    assert (counts.read_transactions, counts.write_transactions) == (1, 1), counts.trace


def test_a_notification_under_the_lease_records_and_releases_in_one_transaction(
    world: World,
) -> None:
    sid = provisioned(world)
    row = row_number(world.backend_emulator_state, sid, "m4")
    world.edit(sid, f"Plan!G{row}", "In progress")
    world.store.request_sync(sid)  # the notification, recorded by the hook
    with count_store(world.store) as counts:
        run = sync_coalesced(world.backend, sid, notify=False, if_changed=True)
    assert run.syncs == 1 and run.last is not None and run.last.wrote
    # Taking the lease, then the record with the release.
    assert (counts.read_transactions, counts.write_transactions) == (1, 2), counts.trace
    state = world.store.sync_state(sid)
    assert state is not None and (state.lease_owner, state.pending) == (None, False)

    world.store.request_sync(sid)  # the notification of that sync's own write
    with count_store(world.store) as counts:
        run = sync_coalesced(world.backend, sid, notify=False, if_changed=True)
    assert run.last is not None and not run.last.read and not run.last.wrote
    assert (counts.read_transactions, counts.write_transactions) == (1, 2), counts.trace
