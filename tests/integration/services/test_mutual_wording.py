"""The shared sheet speaks to both sides: facts in mutual words in every cell, the
seller's coaching only in the add-on and the API (``Risk.message``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.services.views import map_view
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import header_value, row_number

# Advice the risk rules give the seller; none of it may reach a cell the buyer reads.
COACHING = (
    "agree with the buyer",
    "agree who owns",
    "agree the next step",
    "agree a later go-live",
    "agree new dates",
    "agree firm dates",
    "find out who",
    "find out what",
    "ask your",
    "ask for the name",
    "call your",
    "your champion",
    "walk your",
    "escalate",
    "your forecast",
    "write down",
    "record why",
    "brief them",
    "take the deal",
    "put that person",
    "put their name",
    "move it to",
    "get a firm date",
    "keep the dates honest",
)


def every_cell_text(world: World, spreadsheet_id: str) -> list[str]:
    """Every value and note on every tab, as a person sees it."""
    resource = spreadsheet_resource(
        world.backend_emulator_state, spreadsheet_id, include_grid_data=True
    )
    texts: list[str] = []
    for sheet in resource["sheets"]:
        for block in sheet.get("data", []):
            for row in block.get("rowData", []):
                for cell in row.get("values", []):
                    texts += [str(cell.get(k, "")) for k in ("formattedValue", "note")]
    return [t for t in texts if t]


def coaching_in(texts: list[str]) -> list[tuple[str, str]]:
    return [(p, t) for t in texts for p in COACHING if p in t.casefold()]


def test_no_cell_of_a_synced_sheet_holds_the_sellers_coaching(world: World) -> None:
    # Two weeks to go live on the enterprise plan: go-live slips, and the plan has
    # steps owned by teams and by nobody.
    sid = world.provision(
        go_live=world.today() + timedelta(days=14), template="enterprise"
    ).spreadsheet_id
    sync_coalesced(world.backend, sid)
    state: Any = world.backend_emulator_state
    world.edit(sid, f"Plan!D{row_number(state, sid, 'm2')}", "Legal team")
    world.edit(sid, f"Plan!D{row_number(state, sid, 'm3')}", "")
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=1)
    run_review(world.backend, sid)

    risks = map_view(world.backend, sid).risks
    codes = {r["code"] for r in risks}
    assert {"GO_LIVE_SLIP", "TEAM_OWNER", "NO_OWNER"} <= codes
    # The API keeps the seller's advice ...
    assert coaching_in([r["message"] for r in risks])
    # ... and no cell of the sheet holds it, nor any risk's seller message.
    texts = every_cell_text(world, sid)
    assert coaching_in(texts) == []
    messages = {r["message"] for r in risks}
    assert [t for t in texts if any(m in t for m in messages)] == []
    top = header_value(state, sid, "Top risks")
    assert top.startswith("• Go-live projected "), top
    assert "business days after the committed" in top
