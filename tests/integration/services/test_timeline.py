"""The Timeline tab, against the emulator: a new MAP has it (week dates, one row per
milestone, the rules that draw the bars), a slip moves its projected spans in the sync's
one write, the date rollover keeps it current without a read, and a deleted tab (or a
MAP made before the tab existed) gets it on the next sync."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from emulator.sheets.spreadsheet_ops import batch_update, spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.sheets.provisioning import TAB_IDS
from tests.integration.services.conftest import SELLER, World
from tests.integration.services.sheet_view import milestone_rows, row_number
from tests.integration.services.sheet_view import shown as shown_date

DUE = "F"
HEADERS = ["Milestone", "Target start", "Target end", "Projected start", "Projected end"]
EPOCH = date(1899, 12, 30)


def timeline_sheet(world: World, sid: str) -> dict[str, Any]:
    resource = spreadsheet_resource(world.backend_emulator_state, sid, include_grid_data=True)
    return next(s for s in resource["sheets"] if s["properties"]["title"] == "Timeline")


def grid(sheet: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [r.get("values", []) for b in sheet.get("data", []) for r in b.get("rowData", [])]


def text(row: list[dict[str, Any]], col: int) -> str:
    return str(row[col].get("formattedValue", "")) if col < len(row) else ""


def weeks(sheet: dict[str, Any]) -> list[date]:
    header = grid(sheet)[2]
    return [EPOCH + timedelta(days=int(c["effectiveValue"]["numberValue"])) for c in header[5:]]


def spans(sheet: dict[str, Any]) -> dict[str, list[str]]:
    """Each milestone row: title -> [target start, target end, projected start, end]."""
    return {text(r, 0): [text(r, c) for c in range(1, 5)] for r in grid(sheet)[3:] if r}


def size(sheet: dict[str, Any]) -> tuple[int, int]:
    props = sheet["properties"]["gridProperties"]
    return int(props["rowCount"]), int(props["columnCount"])


def test_a_new_map_has_a_timeline_with_week_dates_a_row_per_milestone_and_the_rules(
    world: World,
) -> None:
    sid = world.provision().spreadsheet_id
    sheet = timeline_sheet(world, sid)
    plan = milestone_rows(world.backend_emulator_state, sid)

    assert sheet["properties"]["index"] == 1, "beside the Plan tab"
    rows = grid(sheet)
    assert [text(rows[2], c) for c in range(5)] == HEADERS
    shown = weeks(sheet)
    assert all(w.weekday() == 0 for w in shown), shown
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(shown))
    go_live = world.go_live()
    assert shown[-1] == go_live - timedelta(days=go_live.weekday())
    assert text(rows[2], 5) == f"{shown[0]:%b} {shown[0].day}"  # the locale's day and month
    assert text(rows[1], 0) == "Committed go-live"
    assert text(rows[1], 1) == shown_date(go_live)

    # One row per milestone in the Plan's order; the spans end on the Plan's dates.
    titles = [row["Milestone"] for row in plan.values()]
    assert [text(r, 0) for r in rows[3:]] == titles
    for row in plan.values():
        target_start, target_end, projected_start, projected_end = spans(sheet)[row["Milestone"]]
        assert (target_end, projected_end) == (row["Target date"], row["Projected date"])
        assert target_start and projected_start
    assert size(sheet) == (3 + len(titles), 5 + len(shown))

    rules = sheet["conditionalFormats"]
    assert len(rules) == 5
    for rule in rules:
        assert rule["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA"
        [where] = rule["ranges"]
        assert where["startColumnIndex"] == 5
        assert (where["endRowIndex"], where["endColumnIndex"]) == size(sheet)
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert "$B4" in formulas[0] and "$E4" in formulas[0], "bars compare weeks with the row's dates"
    assert "$B$2" in formulas[3] and "TODAY()" in formulas[4]
    [protection] = sheet["protectedRanges"]
    assert protection["warningOnly"] is True


def test_a_slip_moves_the_projected_spans_in_the_syncs_one_write(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    before = timeline_sheet(world, sid)
    plan = milestone_rows(world.backend_emulator_state, sid)
    go_live_title = list(plan.values())[-1]["Milestone"]

    # A person moves a step's Due three weeks past the go-live: everything after it slips.
    late = world.go_live() + timedelta(weeks=3)
    world.edit(
        sid, f"Plan!{DUE}{row_number(world.backend_emulator_state, sid, 'm3')}", late.isoformat()
    )
    world.reset_counters()
    sync_coalesced(world.backend, sid)

    counts = world.counters(sid)
    assert counts.get("sheets.spreadsheets.get") == 1, counts
    assert counts.get("sheets.spreadsheets.batchUpdate") == 1, counts
    after = timeline_sheet(world, sid)
    plan = milestone_rows(world.backend_emulator_state, sid)
    old_end, new_end = spans(before)[go_live_title][3], spans(after)[go_live_title][3]
    assert new_end == list(plan.values())[-1]["Projected date"] != old_end
    assert spans(after)[go_live_title][1] == spans(before)[go_live_title][1], "target stays"
    # More weeks, up to the projected go-live: the grid and the rules' ranges grew with them.
    assert len(weeks(after)) > len(weeks(before))
    assert size(after) == (size(before)[0], 5 + len(weeks(after)))
    assert all(
        r["ranges"][0]["endColumnIndex"] == size(after)[1] for r in after["conditionalFormats"]
    )

    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)


def test_rows_people_add_or_delete_on_the_plan_come_and_go_on_the_timeline(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    rows_before, _ = size(timeline_sheet(world, sid))
    last = row_number(world.backend_emulator_state, sid, "m6")
    world.edit(sid, f"Plan!B{last + 1}", "Celebrate with the team")
    sync_coalesced(world.backend, sid)

    sheet = timeline_sheet(world, sid)
    plan = milestone_rows(world.backend_emulator_state, sid)
    assert [text(r, 0) for r in grid(sheet)[3:]] == [r["Milestone"] for r in plan.values()]
    assert spans(sheet)["Celebrate with the team"][1] == plan["m7"]["Target date"]
    assert size(sheet)[0] == rows_before + 1
    assert all(
        r["ranges"][0]["endRowIndex"] == rows_before + 1 for r in sheet["conditionalFormats"]
    )

    row = row_number(world.backend_emulator_state, sid, "m2")
    delete_rows = {
        "deleteDimension": {
            "range": {
                "sheetId": TAB_IDS["Plan"],
                "dimension": "ROWS",
                "startIndex": row - 1,
                "endIndex": row,
            }
        }
    }
    batch_update(world.backend_emulator_state, sid, {"requests": [delete_rows]}, user=SELLER)
    world.reset_counters()
    sync_coalesced(world.backend, sid)

    assert world.counters(sid).get("sheets.spreadsheets.batchUpdate") == 1
    sheet = timeline_sheet(world, sid)
    plan = milestone_rows(world.backend_emulator_state, sid)
    assert [text(r, 0) for r in grid(sheet)[3:]] == [r["Milestone"] for r in plan.values()]
    assert size(sheet)[0] == rows_before


def test_week_dates_follow_the_spreadsheets_locale(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    locale = {"properties": {"locale": "de_DE"}, "fields": "locale"}
    batch_update(
        world.backend_emulator_state,
        sid,
        {"requests": [{"updateSpreadsheetProperties": locale}]},
        user=SELLER,
    )
    sync_coalesced(world.backend, sid)

    header = grid(timeline_sheet(world, sid))[2]
    first = weeks(timeline_sheet(world, sid))[0]
    assert header[5]["userEnteredFormat"]["numberFormat"]["pattern"] == "d mmm"
    assert text(header, 5).startswith(f"{first.day} ")


def test_the_date_rollover_keeps_the_timeline_current_without_a_read(world: World) -> None:
    sid = world.provision().spreadsheet_id
    # The buyer commits to a date two days out; the day after it, nothing is done.
    promised = world.today() + timedelta(days=2)
    world.edit(
        sid,
        f"Plan!{DUE}{row_number(world.backend_emulator_state, sid, 'm1')}",
        promised.isoformat(),
    )
    sync_coalesced(world.backend, sid)
    first = milestone_rows(world.backend_emulator_state, sid)["m1"]["Milestone"]
    assert spans(timeline_sheet(world, sid))[first][3] == shown_date(promised)
    world.clock.set(datetime.combine(promised + timedelta(days=1), time(12), tzinfo=UTC))
    world.reset_counters()
    sync_coalesced(world.backend, sid, rollover_only=True)

    counts = world.counters(sid)
    assert (
        "sheets.spreadsheets.get" not in counts
        and counts.get("sheets.spreadsheets.batchUpdate") == 1
    )
    plan = milestone_rows(world.backend_emulator_state, sid)
    assert plan["m1"]["Projected date"] != shown_date(promised), "overdue: projected later"
    shown = spans(timeline_sheet(world, sid))
    for row in plan.values():
        assert shown[row["Milestone"]][3] == row["Projected date"]


def test_a_deleted_timeline_is_made_again_with_its_rules_on_the_next_sync(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    wanted = timeline_sheet(world, sid)
    delete_timeline(world, sid)

    sync_coalesced(world.backend, sid)

    sheet = timeline_sheet(world, sid)
    assert sheet["properties"]["sheetId"] == TAB_IDS["Timeline"]
    assert "it had been deleted" in grid(sheet)[0][0].get("note", "")
    assert spans(sheet) == spans(wanted) and weeks(sheet) == weeks(wanted)
    assert size(sheet) == size(wanted)
    assert [r["booleanRule"] for r in sheet["conditionalFormats"]] == [
        r["booleanRule"] for r in wanted["conditionalFormats"]
    ]
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None


def test_a_map_made_before_the_timeline_gets_one_on_its_next_sync(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    delete_timeline(world, sid)
    batch_update(
        world.backend_emulator_state,
        sid,
        {
            "requests": [
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {"developerMetadataLookup": {"metadataKey": "map.timeline"}}
                    }
                }
            ]
        },
        user=SELLER,
    )

    sync_coalesced(world.backend, sid)

    sheet = timeline_sheet(world, sid)
    assert "added this tab" in grid(sheet)[0][0].get("note", "")
    plan = milestone_rows(world.backend_emulator_state, sid)
    assert [text(r, 0) for r in grid(sheet)[3:]] == [r["Milestone"] for r in plan.values()]
    assert len(sheet["conditionalFormats"]) == 5
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)


def test_a_tab_of_a_persons_own_named_timeline_is_never_written(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    delete_timeline(world, sid)
    own = {"addSheet": {"properties": {"sheetId": 77, "title": "Timeline"}}}
    batch_update(world.backend_emulator_state, sid, {"requests": [own]}, user=SELLER)
    world.edit(sid, "Timeline!A1", "Our own dates", user=SELLER)
    world.edit(sid, f"Plan!{DUE}{row_number(world.backend_emulator_state, sid, 'm3')}",
               (world.go_live() + timedelta(weeks=3)).isoformat())  # fmt: skip

    sync_coalesced(world.backend, sid)

    sheet = timeline_sheet(world, sid)
    assert sheet["properties"]["sheetId"] == 77
    assert [[text(r, c) for c in range(len(r))] for r in grid(sheet)] == [["Our own dates"]]
    assert "conditionalFormats" not in sheet or not sheet["conditionalFormats"]
    state = world.store.sync_state(sid)
    assert state is not None and state.last_error is None


def delete_timeline(world: World, sid: str) -> None:
    batch_update(
        world.backend_emulator_state,
        sid,
        {"requests": [{"deleteSheet": {"sheetId": TAB_IDS["Timeline"]}}]},
        user=SELLER,
    )


def test_a_timeline_cell_a_person_overwrites_is_put_back_by_the_next_sync(world: World) -> None:
    """Syncs that read the tab as it was skip working it out again (``timeline_write``,
    the reader keeping the tab it read last); a cell a person types over is not as it
    was, and the next sync's write puts it back."""
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    before = spans(timeline_sheet(world, sid))
    title = next(iter(before))
    for _ in range(2):  # the tab read again unchanged: nothing to put back
        world.edit(sid, f"Plan!I{row_number(world.backend_emulator_state, sid, 'm1')}", "x")
        sync_coalesced(world.backend, sid)
    row = 1 + [text(r, 0) for r in grid(timeline_sheet(world, sid))].index(title)
    world.edit(sid, f"Timeline!C{row}", "whenever", user=SELLER)
    assert spans(timeline_sheet(world, sid))[title][1] == "whenever"

    sync_coalesced(world.backend, sid)

    assert spans(timeline_sheet(world, sid)) == before
