"""The sheet survives what people do to its tabs: a renamed or deleted History or
Reviews tab, or a renamed Plan tab, no longer stops syncs; the backend restores what it
owns and says so in a note. A deleted Plan tab is a clear error naming the cause."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from emulator.sheets.spreadsheet_ops import batch_update, spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.services.views import map_view
from service.sheets.errors import MilestonesDeleted, NotAMap
from service.sheets.provisioning import TAB_IDS
from tests.integration.services.conftest import SELLER, World
from tests.integration.services.sheet_view import (
    header_value,
    milestone_rows,
    row_number,
    tab_cells,
)

STATUS = "G"


def tabs(world: World, sid: str) -> dict[int, str]:
    resource = spreadsheet_resource(world.backend_emulator_state, sid, include_grid_data=False)
    return {s["properties"]["sheetId"]: s["properties"]["title"] for s in resource["sheets"]}


def as_the_seller(world: World, sid: str, request: dict[str, Any]) -> None:
    batch_update(world.backend_emulator_state, sid, {"requests": [request]}, user=SELLER)


def rename(world: World, sid: str, tab: str, title: str) -> None:
    as_the_seller(
        world,
        sid,
        {
            "updateSheetProperties": {
                "properties": {"sheetId": TAB_IDS[tab], "title": title},
                "fields": "title",
            }
        },
    )


def delete(world: World, sid: str, tab: str) -> None:
    as_the_seller(world, sid, {"deleteSheet": {"sheetId": TAB_IDS[tab]}})


def mark_done(world: World, sid: str, milestone_id: str) -> None:
    row = row_number(world.backend_emulator_state, sid, milestone_id)
    world.edit(sid, f"Plan!{STATUS}{row}", "Done")


@pytest.mark.parametrize("tab", ["History", "Reviews", "Plan", "Timeline"])
def test_a_renamed_tab_gets_its_name_back_with_a_note_and_the_sync_goes_on(
    world: World, tab: str
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    mark_done(world, sid, "m1")
    rename(world, sid, tab, "Old stuff")

    sync_coalesced(world.backend, sid)

    assert tabs(world, sid)[TAB_IDS[tab]] == tab
    first = tab_cells(world.backend_emulator_state, sid, tab)[0][0]
    assert "renamed to 'Old stuff'" in first.get("note", ""), first
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Done"
    history = tab_cells(world.backend_emulator_state, sid, "History")
    assert any(c.get("formattedValue") == "Done" for r in history[1:] for c in r)
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None and not state.pending


@pytest.mark.parametrize("tab", ["History", "Reviews"])
def test_a_deleted_log_tab_is_made_again_with_its_header_and_a_note(world: World, tab: str) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    delete(world, sid, tab)
    mark_done(world, sid, "m1")

    sync_coalesced(world.backend, sid)
    run_review(world.backend, sid)

    assert tabs(world, sid)[TAB_IDS[tab]] == tab
    rows = tab_cells(world.backend_emulator_state, sid, tab)
    assert "it had been deleted" in rows[0][0].get("note", "")
    assert rows[0][0].get("formattedValue") in ("When (UTC)", "Review date")
    assert len(rows) > 1, "the sync's entries (or the review) are in the new tab"
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None


def test_a_deleted_plan_tab_is_an_error_that_names_the_cause(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    delete(world, sid, "Plan")

    with world.backend.sheets() as sheets, pytest.raises(NotAMap, match="'Plan' tab was deleted"):
        sheets.read(sid, now=world.backend.now())


def test_a_sort_that_takes_in_the_header_block_never_reads_header_rows_as_milestones(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    before = {m["id"]: m["title"] for m in map_view(world.backend, sid).milestones}
    last = max(row_number(world.backend_emulator_state, sid, m) for m in before)
    # Sorted by the Milestone column (B), from the first row to the last milestone: the
    # header labels (Account, Committed Go-Live, ...) land among the milestones.
    as_the_seller(
        world,
        sid,
        {
            "sortRange": {
                "range": {
                    "sheetId": TAB_IDS["Plan"],
                    "startRowIndex": 0,
                    "endRowIndex": last,
                    "startColumnIndex": 0,
                    "endColumnIndex": 14,
                },
                "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "ASCENDING"}],
            }
        },
    )

    sync_coalesced(world.backend, sid)

    after = {m["id"]: m["title"] for m in map_view(world.backend, sid).milestones}
    assert after == before
    assert not [e for e in world.store.history(sid) if e.field in ("added", "removed")]


def test_every_milestone_row_deleted_is_a_banner_in_the_sheet_and_a_clear_error(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    rows = {m: row_number(world.backend_emulator_state, sid, m) for m in ("m1", "m6")}
    as_the_seller(
        world,
        sid,
        {
            "deleteDimension": {
                "range": {
                    "sheetId": TAB_IDS["Plan"],
                    "dimension": "ROWS",
                    "startIndex": rows["m1"] - 1,
                    "endIndex": rows["m6"],
                }
            }
        },
    )

    with pytest.raises(MilestonesDeleted, match="Every milestone row of this plan was deleted"):
        sync_coalesced(world.backend, sid)

    assert header_value(world.backend_emulator_state, sid, "Next step").startswith(
        "Every milestone row of this plan was deleted"
    )
    # A step typed back in: the plan syncs again and the banner gives way.
    world.edit(sid, f"Plan!B{rows['m1']}", "Pricing proposal review")
    sync_coalesced(world.backend, sid)
    assert not header_value(world.backend_emulator_state, sid, "Next step").startswith("Every")


def test_a_rollover_that_finds_the_plan_tab_renamed_leaves_it_to_a_read_which_restores_it(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    promised = world.today() + timedelta(days=2)
    world.edit(sid, f"Plan!F{row_number(world.backend_emulator_state, sid, 'm1')}", promised)
    sync_coalesced(world.backend, sid)
    rename(world, sid, "Plan", "Old plan")
    delete(world, sid, "Reviews")
    world.clock.set(datetime.combine(promised + timedelta(days=1), time(12), tzinfo=UTC))

    sync_coalesced(world.backend, sid, rollover_only=True)

    assert tabs(world, sid) == {**tabs(world, sid), TAB_IDS["Plan"]: "Plan", 1003: "Reviews"}
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Health"] == "Overdue"
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None and not state.pending
