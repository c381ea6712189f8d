"""A person's words the backend writes back (Next step, Top risks, History, Reviews)
never start a cell with a formula trigger, end to end through the emulator: OWASP's advice
on CSV injection, for a tab exported and opened in Excel."""

from __future__ import annotations

from typing import Any

from emulator.sheets.values_ops import apply_values_update
from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.services.views import map_view
from tests.integration.services.conftest import BUYER, World
from tests.integration.services.sheet_view import row_number, tab_cells

TITLE, OWNER, STATUS, NOTES = "B", "D", "G", "I"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EVIL_TITLE = '=HYPERLINK("http://evil.example","x")'


def typed_as_text(world: World, sid: str, a1: str, text: str) -> None:
    """What a person gets typing '=... in the Sheets UI: the text, not a formula."""
    apply_values_update(world.backend_emulator_state, sid, a1, [[text]], "RAW", BUYER)


def strings(cells: list[list[dict[str, Any]]]) -> list[str]:
    return [
        str(c["userEnteredValue"]["stringValue"])
        for row in cells
        for c in row
        if "stringValue" in (c.get("userEnteredValue") or {})
    ]


def test_text_people_typed_is_written_back_behind_a_single_quote(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    state = world.backend_emulator_state
    first = row_number(state, sid, "m1")
    typed_as_text(world, sid, f"Plan!{TITLE}{first}", EVIL_TITLE)
    typed_as_text(world, sid, f"Plan!{OWNER}{first}", "@mallory")
    typed_as_text(world, sid, f"Plan!{NOTES}{first}", "+cmd|' /C calc'!A0")
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=8)
    typed_as_text(world, sid, f"Plan!{STATUS}{row_number(state, sid, 'm2')}", "Done")
    run_review(world.backend, sid)

    written = {tab: strings(tab_cells(state, sid, tab)) for tab in ("History", "Reviews")}
    plan = tab_cells(state, sid, "Plan")
    labels = {str(r[1].get("formattedValue", "")): r for r in plan if len(r) > 2}
    written["header"] = strings([[labels["Next step"][2], labels["Top risks"][2]]])

    # The person's words reached the sheet...
    assert any(EVIL_TITLE in text for text in written["header"]), written["header"]
    assert any(text == "'" + EVIL_TITLE for text in written["History"]), written["History"]
    assert any(text == "'@mallory" for text in written["History"]), written["History"]
    # ...and no cell the backend wrote starts with a formula trigger.
    for tab, texts in written.items():
        assert texts, tab
        assert not [t for t in texts if t.startswith(TRIGGERS)], tab
    # The milestone keeps the title as typed (the quote is the backend's, not the
    # person's), and a sync with nothing new writes nothing (DESIGN I1).
    titles = {m["id"]: m["title"] for m in map_view(world.backend, sid).milestones}
    assert titles["m1"] == EVIL_TITLE
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)


def test_a_title_near_googles_cell_limit_still_syncs_and_next_step_fits_in_its_cell(
    world: World,
) -> None:
    """A 49,990-character title: the Next step built from it would be over Google's
    50,000 characters a cell, which Google (and the emulator) refuses, failing the write."""
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    state = world.backend_emulator_state
    first = row_number(state, sid, "m1")
    title = "Pricing " + "x" * 49_982
    typed_as_text(world, sid, f"Plan!{TITLE}{first}", title)

    sync_coalesced(world.backend, sid)

    plan = tab_cells(state, sid, "Plan")
    labels = {str(r[1].get("formattedValue", "")): r for r in plan if len(r) > 2}
    next_step = strings([[labels["Next step"][2]]])[0]
    assert next_step.startswith("Pricing xxx") and next_step.endswith(" […]")
    assert len(next_step) == 50_000
    assert any(len(t) == len(title) for t in strings(tab_cells(state, sid, "History")))
    state_after = world.store.sync_state(sid)
    assert state_after is not None and state_after.last_error is None, state_after
