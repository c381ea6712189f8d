"""Rows people delete and bring back: a milestone row restored with its hidden ID (as
Undo does) is the same milestone, with its kind and lead time; History says it was
removed and then restored, never "added"."""

from __future__ import annotations

from typing import Any

from emulator.sheets.spreadsheet_ops import batch_update, spreadsheet_resource
from service.domain.parse import parse_plan
from service.services.coalesce import sync_coalesced
from service.sheets.provisioning import TAB_IDS
from tests.integration.services.conftest import SELLER, World
from tests.integration.services.sheet_view import (
    cell_note,
    header_value,
    milestone_rows,
    plan_values,
    row_number,
    shown,
    tab_cells,
)


def as_the_seller(world: World, sid: str, *requests: dict[str, Any]) -> None:
    batch_update(world.backend_emulator_state, sid, {"requests": list(requests)}, user=SELLER)


def snapshot_milestone(world: World, sid: str, milestone_id: str) -> Any:
    snapshot = world.store.latest_snapshot(sid)
    assert snapshot is not None
    plan = parse_plan(snapshot.plan)
    return next((m for m in plan.milestones if m.id == milestone_id), None)


def delete_row(world: World, sid: str, row: int) -> None:
    as_the_seller(
        world,
        sid,
        {
            "deleteDimension": {
                "range": {
                    "sheetId": TAB_IDS["Plan"],
                    "dimension": "ROWS",
                    "startIndex": row - 1,
                    "endIndex": row,
                }
            }
        },
    )


def undo_delete(world: World, sid: str, row: int, cells: list[dict[str, Any]]) -> None:
    """What Undo does: the row inserted back where it was, with the same cell values
    (its hidden ID among them)."""
    values = [
        {"userEnteredValue": c["userEnteredValue"]} if "userEnteredValue" in c else {}
        for c in cells
    ]
    as_the_seller(
        world,
        sid,
        {
            "insertDimension": {
                "range": {
                    "sheetId": TAB_IDS["Plan"],
                    "dimension": "ROWS",
                    "startIndex": row - 1,
                    "endIndex": row,
                },
                "inheritFromBefore": True,
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": TAB_IDS["Plan"], "rowIndex": row - 1, "columnIndex": 0},
                "rows": [{"values": values}],
                "fields": "userEnteredValue",
            }
        },
    )


def test_a_row_whose_hidden_id_comes_back_is_the_same_milestone(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    before = snapshot_milestone(world, sid, "m4")  # Final signature: kind and lead time
    assert before.kind is not None and before.lead_bd != 5
    row = row_number(world.backend_emulator_state, sid, "m4")
    cells = tab_cells(world.backend_emulator_state, sid, "Plan")[row - 1]

    delete_row(world, sid, row)
    sync_coalesced(world.backend, sid)
    assert snapshot_milestone(world, sid, "m4") is None

    undo_delete(world, sid, row, cells)
    sync_coalesced(world.backend, sid)

    after = snapshot_milestone(world, sid, "m4")
    assert after is not None, milestone_rows(world.backend_emulator_state, sid).keys()
    assert (after.kind, after.lead_bd, after.category) == (
        before.kind,
        before.lead_bd,
        before.category,
    )
    assert set(milestone_rows(world.backend_emulator_state, sid)) == {f"m{i}" for i in range(1, 7)}
    moves = [
        (e.milestone_id, e.old, e.new) for e in world.store.history(sid) if e.field == "milestone"
    ]
    assert moves == [("m4", "present", "removed"), ("m4", "removed", "restored")]
    logged = [
        [c.get("formattedValue", "") for c in r[2:6]]
        for r in tab_cells(world.backend_emulator_state, sid, "History")[1:]
    ]
    assert ["Final signature", "Milestone", "removed", "restored"] in logged
    row = row_number(world.backend_emulator_state, sid, "m4")
    assert row_milestone_metadata(world, sid, row) == ["m4"]


def row_milestone_metadata(world: World, sid: str, row: int) -> list[str]:
    """The ``map.milestone`` metadata on a 1-based row of the Plan tab."""
    resource = spreadsheet_resource(world.backend_emulator_state, sid, include_grid_data=True)
    plan = next(s for s in resource["sheets"] if s["properties"]["title"] == "Plan")
    found: list[str] = []
    for block in plan.get("data", []):
        start = block.get("startRow", 0)
        for offset, props in enumerate(block.get("rowMetadata", [])):
            if start + offset == row - 1:
                found += [
                    m["metadataValue"]
                    for m in props.get("developerMetadata", [])
                    if m["metadataKey"] == "map.milestone"
                ]
    return found


def plan_row_of(world: World, sid: str, label: str) -> int:
    """The 1-based row whose column B reads ``label``."""
    rows = tab_cells(world.backend_emulator_state, sid, "Plan")
    return next(
        i + 1 for i, r in enumerate(rows) if len(r) > 1 and r[1].get("formattedValue", "") == label
    )


def test_a_deleted_committed_go_live_row_comes_back_with_the_last_date_and_a_note(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    go_live = shown(world.go_live())
    # Something a person typed beside the header block stays where it is.
    world.edit(sid, "Plan!F3", "ask Dana about the pilot")
    delete_row(world, sid, plan_row_of(world, sid, "Committed Go-Live"))

    sync_coalesced(world.backend, sid)

    assert header_value(world.backend_emulator_state, sid, "Committed Go-Live") == go_live
    row = plan_row_of(world, sid, "Committed Go-Live")
    assert row == plan_row_of(world, sid, "Outcome (why)") + 1
    note = cell_note(world.backend_emulator_state, sid, row, 3)
    assert "it had been deleted" in note and world.go_live().isoformat() in note, note
    assert plan_values(world.backend_emulator_state, sid)[row - 1][3] == "Reason for change"
    assert plan_values(world.backend_emulator_state, sid)[2][5] == "ask Dana about the pilot"
    assert not [e for e in world.store.history(sid) if e.field == "go_live"]
    assert set(milestone_rows(world.backend_emulator_state, sid)) == {f"m{i}" for i in range(1, 7)}
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None


def test_a_deleted_table_header_row_comes_back_with_a_note(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    before = milestone_rows(world.backend_emulator_state, sid)
    header = plan_row_of(world, sid, "Milestone")
    delete_row(world, sid, header)

    sync_coalesced(world.backend, sid)

    assert plan_row_of(world, sid, "Milestone") == header
    assert plan_values(world.backend_emulator_state, sid)[header - 1][1:13] == [
        "Milestone", "Side", "Owner", "Deliverable", "Due", "Status", "Completed on",
        "Notes", "Target date", "Projected date", "Health", "Risk",
    ]  # fmt: skip
    assert "it had been deleted" in cell_note(world.backend_emulator_state, sid, header, 2)
    assert milestone_rows(world.backend_emulator_state, sid) == before
    assert not [e for e in world.store.history(sid) if e.field == "milestone"]
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None
