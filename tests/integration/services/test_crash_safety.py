"""Nothing lost, nothing doubled: history exactly once in the store and on the History
tab when the store fails part-way through saving a sync, or a write's outcome is never
learned; and one weekly review per request."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from service.services.coalesce import sync_coalesced
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import row_number, tab_cells
from tests.integration.services.store_faults import after, store_fails


def history_tab(world: World, spreadsheet_id: str) -> list[tuple[str, str, str]]:
    """The History tab's rows after its header: (Milestone, Field, New)."""
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "History")[1:]
    shown = [[str(c.get("formattedValue", "")) for c in r] for r in rows]
    return [(r[2], r[3], r[5]) for r in shown if len(r) > 5 and any(r)]


def store_history(world: World, spreadsheet_id: str) -> list[tuple[str | None, str, str | None]]:
    return [(e.milestone_id, e.field, e.new) for e in world.store.history(spreadsheet_id)]


def test_a_store_failure_between_history_and_snapshot_records_history_once(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    # The sheet is written; saving the sync then fails after its history, before its
    # snapshot (PostgreSQL: the server ends the connection).
    failing = after("INSERT INTO history_events", "INSERT INTO snapshots")
    with store_fails(world.store.engine, failing) as failed, pytest.raises(OperationalError):
        sync_coalesced(world.backend, sid)
    assert failed, "the store never reached the snapshot"
    run = sync_coalesced(world.backend, sid)
    assert run.last is not None and run.last.changes == 0  # the landed write was adopted
    assert store_history(world, sid) == [("m1", "status", "Done")]
    assert history_tab(world, sid) == [("Pricing proposal review", "Status", "Done")]
    assert world.store.sync_state(sid) is not None and not world.store.sync_state(sid).pending
