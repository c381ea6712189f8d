"""A reason for a date move may be given later, in History's Reason column: a move
counts towards CLOSE_DATE_MOVED only while it has none."""

from __future__ import annotations

from datetime import timedelta

from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.services.views import map_view
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import tab_cells


def history_rows(world: World, spreadsheet_id: str) -> list[list[str]]:
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "History")
    return [[str(c.get("formattedValue", "")) for c in row] + [""] * 8 for row in rows]


def go_live_rows(world: World, spreadsheet_id: str) -> list[int]:
    """The 1-based History rows that log a Committed Go-Live move."""
    rows = history_rows(world, spreadsheet_id)
    return [n + 1 for n, row in enumerate(rows) if row[3] == "Committed Go-Live"]


def risk_codes(world: World, spreadsheet_id: str) -> set[str]:
    return {r["code"] for r in map_view(world.backend, spreadsheet_id).risks}


def test_a_reason_typed_later_in_history_clears_close_date_moved(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    for weeks in (1, 2):  # two moves of the go-live, no reason given
        world.edit(sid, "Plan!C4", (world.go_live() + timedelta(weeks=weeks)).isoformat())
        sync_coalesced(world.backend, sid)
    assert "CLOSE_DATE_MOVED" in risk_codes(world, sid)
    first, second = go_live_rows(world, sid)

    # Later, the buyer writes down why the first one moved.
    world.clock.advance(days=2)
    world.edit(sid, f"History!G{first}", "Security review needs two more weeks")
    result = sync_coalesced(world.backend, sid)
    assert result is not None
    assert "CLOSE_DATE_MOVED" not in risk_codes(world, sid)  # one unexplained move left
    # The reason stays as typed, on its row; the backend wrote nothing over it.
    rows = history_rows(world, sid)
    assert rows[first - 1][6] == "Security review needs two more weeks"
    assert rows[second - 1][6] == ""

    # A third move without a reason: two unexplained again.
    world.edit(sid, "Plan!C4", (world.go_live() + timedelta(weeks=3)).isoformat())
    sync_coalesced(world.backend, sid)
    assert "CLOSE_DATE_MOVED" in risk_codes(world, sid)
    world.edit(sid, f"History!G{second}", "Budget sign-off moved to the new quarter")
    sync_coalesced(world.backend, sid)
    assert "CLOSE_DATE_MOVED" not in risk_codes(world, sid)


def test_history_is_protected_but_for_its_reason_column(world: World) -> None:
    sid = world.provision().spreadsheet_id
    resource = spreadsheet_resource(world.backend_emulator_state, sid, include_grid_data=False)
    history = next(s for s in resource["sheets"] if s["properties"]["title"] == "History")
    (protected,) = history["protectedRanges"]
    (opening,) = protected["unprotectedRanges"]
    assert (opening["startColumnIndex"], opening["endColumnIndex"]) == (6, 7)
    assert opening["startRowIndex"] == 1
