"""The functions the rest of the emulator calls: persistence, copies, edits as a user,
the preview's read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.errors import GoogleApiError
from emulator.sheets import fields_mask
from emulator.sheets.model import Spreadsheet
from emulator.sheets.spreadsheet_ops import apply_batch_update, spreadsheet_resource
from emulator.sheets.values_ops import apply_values_update
from emulator.state import DEFAULT_USER
from emulator.tests.sheets_clients import sheets_service


@pytest.fixture
def spreadsheets(emulator: Any) -> Iterator[Any]:
    service = sheets_service(emulator)
    yield service.spreadsheets()
    service.close()


@pytest.fixture
def sid(spreadsheets: Any) -> str:
    """A spreadsheet with a bit of everything: values, formats, notes, validation,
    merges, a protected range, a named range, a conditional format and metadata."""
    spreadsheet_id: str = spreadsheets.create(
        body={"properties": {"title": "Everything"}}
    ).execute()["spreadsheetId"]
    spreadsheets.values().update(
        spreadsheetId=spreadsheet_id,
        range="A1",
        valueInputOption="USER_ENTERED",
        body={
            "values": [
                ["Milestone", "Due", "Lead"],
                ["Kickoff", "1/5/2027", "=C3+2"],
                ["Legal", "2027-02-01", 5],
            ]
        },
    ).execute()
    cell = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    requests = [
        {
            "repeatCell": {
                "range": cell,
                "cell": {"note": "first", "userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "note,userEnteredFormat.textFormat.bold",
            }
        },
        {
            "setDataValidation": {
                "range": {**cell, "startColumnIndex": 2, "endColumnIndex": 3},
                "rule": {
                    "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "0"}]}
                },
            }
        },
        {
            "mergeCells": {
                "range": {**cell, "startRowIndex": 5, "endRowIndex": 6, "endColumnIndex": 3},
                "mergeType": "MERGE_ALL",
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {**cell, "startColumnIndex": 4, "endColumnIndex": 5},
                    "warningOnly": True,
                }
            }
        },
        {
            "addNamedRange": {
                "namedRange": {
                    "name": "Due",
                    "range": {**cell, "startColumnIndex": 1, "endColumnIndex": 2},
                }
            }
        },
        {
            "addConditionalFormatRule": {
                "rule": {
                    "ranges": [cell],
                    "booleanRule": {
                        "condition": {"type": "NOT_BLANK"},
                        "format": {"textFormat": {"italic": True}},
                    },
                }
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "milestone",
                    "metadataValue": "m1",
                    "location": {
                        "dimensionRange": {
                            "sheetId": 0,
                            "dimension": "ROWS",
                            "startIndex": 1,
                            "endIndex": 2,
                        }
                    },
                    "visibility": "DOCUMENT",
                }
            }
        },
        {"addSheet": {"properties": {"title": "History", "hidden": True}}},
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 240},
                "fields": "pixelSize",
            }
        },
    ]
    spreadsheets.batchUpdate(spreadsheetId=spreadsheet_id, body={"requests": requests}).execute()
    return spreadsheet_id


def test_a_spreadsheet_saved_to_json_and_loaded_back_reads_the_same(
    emulator: Any, sid: str
) -> None:
    file = emulator.state.files[sid]
    saved = json.loads(json.dumps(file.spreadsheet.to_json()))
    before = spreadsheet_resource(emulator.state, sid)
    file.spreadsheet = Spreadsheet.from_json(saved)
    assert spreadsheet_resource(emulator.state, sid) == before
    assert before["sheets"][0]["data"][0]["rowData"][1]["values"][2]["formattedValue"] == "7"


def test_a_copy_has_the_content_and_sheet_ids_under_a_new_id_and_title(
    emulator: Any, sid: str
) -> None:
    original = emulator.state.files[sid].spreadsheet
    twin = original.copy("1copy" + "x" * 39, "Copy of Everything")
    assert (twin.spreadsheet_id, twin.title) == ("1copy" + "x" * 39, "Copy of Everything")
    assert [s.sheet_id for s in twin.sheets] == [s.sheet_id for s in original.sheets]
    assert twin.to_json()["sheets"] == original.to_json()["sheets"]
    twin.sheets[0].set_cell(0, 0, None)
    assert original.sheets[0].cell(0, 0) is not None


def test_edits_as_a_user_answer_like_the_api_and_are_checked_like_it(
    emulator: Any, spreadsheets: Any, sid: str
) -> None:
    written = apply_values_update(emulator.state, sid, "Sheet1!D2", [["Ana"]], "RAW", DEFAULT_USER)
    assert written == {
        "spreadsheetId": sid,
        "updatedRange": "Sheet1!D2",
        "updatedRows": 1,
        "updatedColumns": 1,
        "updatedCells": 1,
    }
    answer = apply_batch_update(
        emulator.state,
        sid,
        {"requests": [{"addSheet": {"properties": {"title": "Reviews"}}}]},
        DEFAULT_USER,
    )
    assert answer["replies"][0]["addSheet"]["properties"]["title"] == "Reviews"
    assert spreadsheets.values().get(spreadsheetId=sid, range="D2").execute()["values"] == [["Ana"]]
    with pytest.raises(GoogleApiError) as caught:
        apply_values_update(
            emulator.state, sid, "Sheet1!D2", [["x"]], "RAW", "stranger@example.com"
        )
    assert caught.value.code == 403


def test_the_preview_read_is_the_full_spreadsheet_with_grid_data(
    emulator: Any, spreadsheets: Any, sid: str
) -> None:
    resource = spreadsheet_resource(emulator.state, sid)
    via_api = spreadsheets.get(spreadsheetId=sid, includeGridData=True).execute()
    resource.pop("spreadsheetUrl")
    via_api.pop("spreadsheetUrl")
    assert resource == via_api
    assert [s["properties"]["title"] for s in resource["sheets"]] == ["Sheet1", "History"]


MASKS = [
    "sheets.data",
    "sheets(properties.title,data(startRow,rowData(values(userEnteredValue,note))))",
    "sheets.data.rowData.values(formattedValue,userEnteredFormat.textFormat.bold)",
    "sheets.data.rowData.values(effectiveValue,effectiveFormat(textFormat.bold),dataValidation)",
    "sheets.data(rowMetadata(developerMetadata(metadataKey)),columnMetadata.pixelSize)",
    "sheets.data.rowData.values.*",
    "sheets(data(startColumn,rowData))",
    "spreadsheetId,sheets(protectedRanges(range),data(rowData(values(note,userEnteredValue)),rowMetadata))",
]


@pytest.mark.parametrize("fields", MASKS)
def test_a_get_with_a_field_mask_answers_the_full_answer_cut_to_it(
    spreadsheets: Any, sid: str, fields: str
) -> None:
    """The grid data is built for the mask (only what it selects is rendered), and
    answers what cutting the whole answer down would. (Not for every mask: trailing
    empty cells and rows are dropped after the cells are cut, so ``values(note)`` has
    no rows after the last note, as before.)"""
    mask = fields_mask.parse(fields)
    for ranges in (None, ["Sheet1!A1:D6", "History!A1:B2"], ["Sheet1!B2:C"]):
        whole = spreadsheets.get(spreadsheetId=sid, ranges=ranges, includeGridData=True).execute()
        cut = spreadsheets.get(
            spreadsheetId=sid, ranges=ranges, includeGridData=True, fields=fields
        ).execute()
        assert cut == fields_mask.apply(whole, mask)


def test_select_copies_what_the_mask_keeps_and_apply_leaves_a_cut_object_alone() -> None:
    stored = {"a": {"b": [1, {"c": 2}], "d": 3}, "e": [{"f": 4, "g": 5}]}
    kept = fields_mask.select(stored, fields_mask.parse("a.b,e.f"))
    assert kept == {"a": {"b": [1, {"c": 2}]}, "e": [{"f": 4}]}
    kept["a"]["b"][1]["c"] = 9
    assert stored["a"]["b"][1]["c"] == 2
    whole = fields_mask.select(stored, None)
    assert whole == stored and whole["e"][0] is not stored["e"][0]
    ready = fields_mask.Cut(x=1, y=2)
    assert fields_mask.apply({"data": [ready]}, fields_mask.parse("data.x")) == {"data": [ready]}


def test_a_change_that_fails_midway_leaves_the_spreadsheet_as_it_was(
    emulator: Any, sid: str
) -> None:
    spreadsheet = emulator.state.files[sid].spreadsheet
    before = spreadsheet.to_json()
    first_sheet = spreadsheet.sheets[0]

    def change(working: Spreadsheet) -> None:
        assert working is spreadsheet  # in place, no copy
        working.sheets[0].set_cell(0, 0, {"userEnteredValue": {"stringValue": "changed"}})
        working.sheets[0].row_props[0]["pixelSize"] = 99
        working.properties["title"] = "Changed"
        working.developer_metadata.clear()
        working.sheets.pop()
        raise GoogleApiError(400, "the last request failed")

    with pytest.raises(GoogleApiError):
        spreadsheet.atomically(change)
    assert spreadsheet.to_json() == before
    assert emulator.state.files[sid].spreadsheet is spreadsheet
    assert spreadsheet.sheets[0] is not first_sheet  # restored from the backup

    assert spreadsheet.atomically(lambda working: working.sheets[0].cell(1, 0)) is not None
    spreadsheet.atomically(lambda working: working.properties.update(title="Kept"))
    assert spreadsheet.title == "Kept"
