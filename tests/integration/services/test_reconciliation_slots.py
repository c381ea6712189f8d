"""The weekly reconciliation spread over the week: an hourly sweep reads back only the
MAPs whose slot (their own hour of the week) has come, however their last reads were
bunched."""

from __future__ import annotations

from datetime import timedelta

from service.services.coalesce import sync_coalesced
from service.services.reconciliation import next_reconciliation, reconciliation_due
from service.services.sweep import sweep
from tests.integration.services.conftest import World


def read_back(world: World, maps: list[str]) -> set[str]:
    return {sid for sid in maps if world.counters(sid).get("sheets.spreadsheets.get")}


def test_a_sweep_reconciles_only_the_maps_whose_slot_has_come(world: World) -> None:
    maps = [world.provision(account=f"Account {i}").spreadsheet_id for i in range(6)]
    for sid in maps:
        sync_coalesced(world.backend, sid)  # all read within the same minute
    last_read = {sid: world.store.get_map(sid).last_read_at for sid in maps}
    slots = {sid: next_reconciliation(sid, last_read[sid]) for sid in maps}
    first, last = min(slots.values()), max(slots.values())
    assert first != last  # six MAPs read together are not all due together

    world.clock.set(first + timedelta(minutes=5))
    world.reset_counters()
    report = sweep(world.backend)

    assert not report.failed
    due = {sid for sid in maps if reconciliation_due(sid, last_read[sid], world.clock())}
    assert due == {sid for sid in maps if slots[sid] == first}
    assert read_back(world, maps) == due

    # Later in the week the others' slots come; those read already are left alone.
    world.clock.set(last + timedelta(minutes=5))
    world.reset_counters()
    sweep(world.backend)
    assert read_back(world, maps) == set(maps) - due
