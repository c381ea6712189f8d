"""A MAP made with an earlier layout is brought up to this one by its next sync, once:
the Plan tab's column widths and wrapping, and History's Reason column open for
people. What people typed stays as it was."""

from __future__ import annotations

from typing import Any

from emulator.sheets.spreadsheet_ops import batch_update, spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.sheets import layout
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import milestone_rows, plan_values, row_number
from tests.integration.services.test_sheet_layout import column_widths, plan_sheet


def sheet(world: World, sid: str, title: str) -> dict[str, Any]:
    resource = spreadsheet_resource(world.backend_emulator_state, sid, include_grid_data=True)
    return next(s for s in resource["sheets"] if s["properties"]["title"] == title)


def layout_version(world: World, sid: str) -> str:
    resource = spreadsheet_resource(world.backend_emulator_state, sid)
    return next(
        str(m["metadataValue"])
        for m in resource["developerMetadata"]
        if m["metadataKey"] == layout.LAYOUT_KEY
    )


def as_made_with_layout_1(world: World, sid: str) -> None:
    """What a MAP of layout 1 looks like: every column 100 px and unwrapped, History
    protected whole, ``map.layout`` 1."""
    history = sheet(world, sid, "History")
    protection = history["protectedRanges"][0]
    plan_id = plan_sheet(world, sid)["properties"]["sheetId"]
    requests: list[dict[str, Any]] = [
        {
            "updateDimensionProperties": {
                "range": {"sheetId": plan_id, "dimension": "COLUMNS", "startIndex": 1},
                "properties": {"pixelSize": 100},
                "fields": "pixelSize",
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": plan_id, "startRowIndex": layout.FIRST_MILESTONE_ROW},
                "cell": {"userEnteredFormat": {"wrapStrategy": "OVERFLOW_CELL"}},
                "fields": "userEnteredFormat.wrapStrategy",
            }
        },
        {
            "updateProtectedRange": {
                "protectedRange": {
                    "protectedRangeId": protection["protectedRangeId"],
                    "unprotectedRanges": [],
                },
                "fields": "unprotectedRanges",
            }
        },
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataKey": layout.LAYOUT_KEY}}],
                "developerMetadata": {"metadataValue": "1"},
                "fields": "metadataValue",
            }
        },
    ]
    batch_update(
        world.backend_emulator_state,
        sid,
        {"requests": requests},
        user=world.backend.service_account_email,
    )


def test_an_older_maps_next_sync_brings_its_layout_up_to_date_once(world: World) -> None:
    sid = world.provision(template="enterprise").spreadsheet_id
    sync_coalesced(world.backend, sid)
    new_widths = column_widths(plan_sheet(world, sid))
    as_made_with_layout_1(world, sid)
    assert column_widths(plan_sheet(world, sid))[1:] == [100] * (len(new_widths) - 1)
    assert sheet(world, sid, "History")["protectedRanges"][0].get("unprotectedRanges", []) == []
    typed = plan_values(world.backend_emulator_state, sid)

    world.reset_counters()
    sync_coalesced(world.backend, sid)

    assert world.counters(sid).get("sheets.spreadsheets.batchUpdate") == 1  # the sync's one
    assert column_widths(plan_sheet(world, sid)) == new_widths
    first = sheet(world, sid, "Plan")["data"][0]["rowData"][layout.FIRST_MILESTONE_ROW]["values"]
    columns = {c.key: i for i, c in enumerate(layout.COLUMNS)}
    for key in layout.WRAPPED_COLUMNS:
        assert first[columns[key]]["userEnteredFormat"]["wrapStrategy"] == "WRAP", key
    for key in layout.CLIPPED_COLUMNS:
        assert first[columns[key]]["userEnteredFormat"]["wrapStrategy"] == "CLIP", key
    # Down to the last milestone, not the grid's thousand rows (each formatted row is
    # part of every read from then on).
    state = world.backend_emulator_state
    last = max(row_number(state, sid, m) for m in milestone_rows(state, sid))  # 1-based
    plan_rows = sheet(world, sid, "Plan")["data"][0]["rowData"]

    def title_wrap(index: int) -> Any:
        cell = plan_rows[index]["values"][columns["title"]]
        return cell.get("userEnteredFormat", {}).get("wrapStrategy")

    assert (title_wrap(last - 1), title_wrap(last)) == ("WRAP", "OVERFLOW_CELL")
    opened = sheet(world, sid, "History")["protectedRanges"][0]["unprotectedRanges"]
    reason = layout.HISTORY_READ_COLUMNS["reason"]
    assert [(r["startColumnIndex"], r["endColumnIndex"]) for r in opened] == [(reason, reason + 1)]
    assert layout_version(world, sid) == layout.LAYOUT_VERSION
    assert plan_values(world.backend_emulator_state, sid) == typed  # no value changed

    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)


def test_a_new_map_is_made_with_this_layout_and_its_syncs_upgrade_nothing(world: World) -> None:
    sid = world.provision().spreadsheet_id
    assert layout_version(world, sid) == layout.LAYOUT_VERSION
    sync_coalesced(world.backend, sid)
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)
