"""spreadsheets.create, get and batchUpdate through google-api-python-client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.state import DEFAULT_USER
from emulator.tests.sheets_clients import sheets_service


@pytest.fixture
def sheets(emulator: Any) -> Iterator[Any]:
    service = sheets_service(emulator)
    yield service
    service.close()


def create(sheets: Any, title: str = "Plan") -> dict[str, Any]:
    created: dict[str, Any] = (
        sheets.spreadsheets().create(body={"properties": {"title": title}}).execute()
    )
    return created


def batch(
    sheets: Any, spreadsheet_id: str, *requests: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    body = {"requests": list(requests), **extra}
    answer: dict[str, Any] = (
        sheets.spreadsheets().batchUpdate(spreadsheetId=spreadsheet_id, body=body).execute()
    )
    return answer


def error_of(exc: HttpError) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(exc.content)["error"]
    return error


def test_a_new_spreadsheet_has_one_sheet1_grid_and_is_a_drive_file_of_its_creator(
    sheets: Any, emulator: Any
) -> None:
    created = create(sheets, "Acme MAP")
    [sheet] = created["sheets"]
    assert sheet["properties"] == {
        "sheetId": 0,
        "title": "Sheet1",
        "index": 0,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }
    assert created["properties"]["title"] == "Acme MAP"
    assert created["properties"]["locale"] == "en_US"
    assert created["spreadsheetUrl"].endswith(f"/spreadsheets/d/{created['spreadsheetId']}/edit")
    file = emulator.state.files[created["spreadsheetId"]]
    assert (file.name, file.owner) == ("Acme MAP", DEFAULT_USER)


def test_a_failing_request_leaves_the_whole_batch_unapplied(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    before = sheets.spreadsheets().get(spreadsheetId=sid, includeGridData=True).execute()
    with pytest.raises(HttpError) as caught:
        batch(
            sheets,
            sid,
            {"addSheet": {"properties": {"title": "History"}}},
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            },
            {
                "insertDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 3}
                }
            },
            {"addSheet": {"properties": {"title": "history"}}},
        )
    assert caught.value.status_code == 400
    assert error_of(caught.value) == {
        "code": 400,
        "message": 'Invalid requests[3].addSheet: A sheet with the name "history" already exists. '
        "Please enter another name.",
        "status": "INVALID_ARGUMENT",
    }
    after = sheets.spreadsheets().get(spreadsheetId=sid, includeGridData=True).execute()
    assert after == before


def test_each_request_gets_one_reply_and_requests_without_one_get_an_empty_object(
    sheets: Any,
) -> None:
    sid = create(sheets)["spreadsheetId"]
    answer = batch(
        sheets,
        sid,
        {"updateSpreadsheetProperties": {"properties": {"title": "Renamed"}, "fields": "title"}},
        {
            "addSheet": {
                "properties": {
                    "title": "Reviews",
                    "gridProperties": {"rowCount": 5, "columnCount": 3},
                }
            }
        },
        includeSpreadsheetInResponse=True,
        responseRanges=["Reviews!A1:B2"],
        responseIncludeGridData=True,
    )
    assert answer["replies"][0] == {}
    added = answer["replies"][1]["addSheet"]["properties"]
    assert (added["title"], added["index"], added["gridProperties"]) == (
        "Reviews",
        1,
        {"rowCount": 5, "columnCount": 3},
    )
    updated = answer["updatedSpreadsheet"]
    assert updated["properties"]["title"] == "Renamed"
    [reviews] = updated["sheets"]
    assert reviews["data"][0]["rowMetadata"] == [{"pixelSize": 21}, {"pixelSize": 21}]


def test_renaming_the_spreadsheet_renames_its_drive_file(sheets: Any, emulator: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    batch(
        sheets,
        sid,
        {"updateSpreadsheetProperties": {"properties": {"title": "Q3 close"}, "fields": "title"}},
    )
    assert emulator.state.files[sid].name == "Q3 close"


def test_sheet_properties_hide_freeze_colour_resize_and_reorder_sheets(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    second = batch(sheets, sid, {"addSheet": {"properties": {"title": "Plan"}}})["replies"][0][
        "addSheet"
    ]["properties"]
    batch(
        sheets,
        sid,
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": second["sheetId"],
                    "index": 0,
                    "gridProperties": {"frozenRowCount": 2, "frozenColumnCount": 1, "rowCount": 40},
                    "tabColorStyle": {"rgbColor": {"red": 0.2, "green": 0.6, "blue": 0.2}},
                },
                "fields": "index,tabColorStyle,"
                "gridProperties(frozenRowCount,frozenColumnCount,rowCount)",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "hidden": True},
                "fields": "hidden",
            }
        },
    )
    got = sheets.spreadsheets().get(spreadsheetId=sid, fields="sheets.properties").execute()
    plan, sheet1 = (s["properties"] for s in got["sheets"])
    assert plan["index"] == 0 and plan["title"] == "Plan"
    assert plan["gridProperties"] == {
        "rowCount": 40,
        "columnCount": 26,
        "frozenRowCount": 2,
        "frozenColumnCount": 1,
    }
    assert plan["tabColorStyle"] == {"rgbColor": {"red": 0.2, "green": 0.6, "blue": 0.2}}
    assert plan["tabColor"] == {"red": 0.2, "green": 0.6, "blue": 0.2}
    assert sheet1["hidden"] is True and sheet1["index"] == 1
    with pytest.raises(HttpError) as caught:
        batch(
            sheets,
            sid,
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": second["sheetId"], "hidden": True},
                    "fields": "hidden",
                }
            },
        )
    assert error_of(caught.value)["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )


def test_unknown_fields_in_a_request_are_refused_before_anything_changes(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    with pytest.raises(HttpError) as caught:
        batch(sheets, sid, {"addSheet": {"properties": {"titel": "Typo"}}})
    error = error_of(caught.value)
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "titel" at '
        "'requests[0].add_sheet.properties': Cannot find field."
    )
    assert error["details"][0]["fieldViolations"][0]["field"] == "requests[0].add_sheet.properties"
    assert len(sheets.spreadsheets().get(spreadsheetId=sid).execute()["sheets"]) == 1


def test_a_spreadsheet_that_does_not_exist_is_not_found_and_a_private_one_is_forbidden(
    sheets: Any, emulator: Any
) -> None:
    with pytest.raises(HttpError) as missing:
        sheets.spreadsheets().get(spreadsheetId="1" + "x" * 43).execute()
    assert error_of(missing.value) == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }
    from emulator.sheets.model import Spreadsheet
    from emulator.state import SPREADSHEET_MIME, DriveFile, new_file_id

    private = new_file_id()
    emulator.state.add_file(
        DriveFile(
            id=private,
            name="Theirs",
            mime_type=SPREADSHEET_MIME,
            owner="them@example.org",
            spreadsheet=Spreadsheet.new(private, "Theirs"),
        )
    )
    with pytest.raises(HttpError) as forbidden:
        sheets.spreadsheets().get(spreadsheetId=private).execute()
    assert error_of(forbidden.value) == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }


def test_field_masks_select_nested_parts_of_the_spreadsheet(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    sheets.spreadsheets().values().update(
        spreadsheetId=sid,
        range="A1:B1",
        valueInputOption="RAW",
        body={"values": [["Milestone", "Due"]]},
    ).execute()
    batch(
        sheets,
        sid,
        {
            "updateCells": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 1,
                    "endColumnIndex": 2,
                },
                "rows": [{"values": [{"note": "a date a person commits to"}]}],
                "fields": "note",
            }
        },
    )
    got = (
        sheets.spreadsheets()
        .get(
            spreadsheetId=sid,
            ranges=["Sheet1!A1:C2"],
            fields="spreadsheetId,sheets(properties/title,data(rowData(values(formattedValue,note))))",
        )
        .execute()
    )
    assert got == {
        "spreadsheetId": sid,
        "sheets": [
            {
                "properties": {"title": "Sheet1"},
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {"formattedValue": "Milestone"},
                                    {"formattedValue": "Due", "note": "a date a person commits to"},
                                ]
                            }
                        ]
                    }
                ],
            }
        ],
    }
    assert sheets.spreadsheets().get(spreadsheetId=sid, fields="namedRanges").execute() == {}
    titles = (
        sheets.spreadsheets().get(spreadsheetId=sid, fields="sheets.properties.title").execute()
    )
    assert titles == {"sheets": [{"properties": {"title": "Sheet1"}}]}


def test_merges_keep_the_top_left_value_and_refuse_a_partial_overlap(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="A1:B2", valueInputOption="RAW", body={"values": [[1, 2], [3, 4]]}
    ).execute()
    whole = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    batch(sheets, sid, {"mergeCells": {"range": whole, "mergeType": "MERGE_ALL"}})
    values = sheets.spreadsheets().values().get(spreadsheetId=sid, range="A1:B2").execute()
    assert values["values"] == [["1"]]
    with pytest.raises(HttpError) as caught:
        batch(sheets, sid, {"unmergeCells": {"range": {**whole, "endRowIndex": 1}}})
    assert error_of(caught.value)["message"] == (
        "Invalid requests[0].unmergeCells: "
        "You must select all cells in a merged range to merge or unmerge them."
    )


def test_sorting_orders_rows_by_the_sort_specs_with_empty_cells_last(sheets: Any) -> None:
    sid = create(sheets)["spreadsheetId"]
    rows = [["Legal", 3], ["", 9], ["Security", 1], ["budget", 2]]
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": rows}
    ).execute()
    rng = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    batch(
        sheets,
        sid,
        {
            "sortRange": {
                "range": rng,
                "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}],
            }
        },
    )
    got = (
        sheets.spreadsheets()
        .values()
        .get(spreadsheetId=sid, range="A1:B4", valueRenderOption="UNFORMATTED_VALUE")
        .execute()
    )
    assert got["values"] == [["budget", 2], ["Legal", 3], ["Security", 1], ["", 9]]
    batch(
        sheets,
        sid,
        {
            "sortRange": {
                "range": rng,
                "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}],
            }
        },
    )
    got = (
        sheets.spreadsheets()
        .values()
        .get(spreadsheetId=sid, range="B1:B4", valueRenderOption="UNFORMATTED_VALUE")
        .execute()
    )
    assert got["values"] == [[9], [3], [2], [1]]
