"""The rest of the request kinds and methods, through google-api-python-client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.tests.sheets_clients import sheets_service

FULL_MASK = (
    "sheets(properties,data(rowData(values(userEnteredValue,effectiveValue,formattedValue,note,"
    "userEnteredFormat,effectiveFormat,dataValidation)),rowMetadata(developerMetadata))),"
    "developerMetadata"
)


class Api:
    def __init__(self, service: Any) -> None:
        self.spreadsheets = service.spreadsheets()
        self.values = self.spreadsheets.values()

    def batch(self, sid: str, *requests: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"requests": list(requests)}
        replies: list[dict[str, Any]] = self.spreadsheets.batchUpdate(
            spreadsheetId=sid, body=body
        ).execute()["replies"]
        return replies

    def rows(self, sid: str, rng: str, **kw: Any) -> list[list[Any]]:
        found: list[list[Any]] = (
            self.values.get(spreadsheetId=sid, range=rng, **kw).execute().get("values", [])
        )
        return found


@pytest.fixture
def api(emulator: Any) -> Iterator[Api]:
    service = sheets_service(emulator)
    yield Api(service)
    service.close()


@pytest.fixture
def sid(api: Api) -> str:
    spreadsheet_id: str = api.spreadsheets.create(body={"properties": {"title": "More"}}).execute()[
        "spreadsheetId"
    ]
    api.values.update(
        spreadsheetId=spreadsheet_id,
        range="A1",
        valueInputOption="USER_ENTERED",
        body={
            "values": [
                ["Milestone", "Owner"],
                ["Security review", "legal@acme.com"],
                ["Legal review", "Dana"],
            ]
        },
    ).execute()
    return spreadsheet_id


def test_the_mask_a_full_read_uses_returns_cells_formats_and_row_metadata(
    api: Api, sid: str
) -> None:
    api.batch(
        sid,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "map",
                    "metadataValue": "v1",
                    "location": {"spreadsheet": True},
                    "visibility": "DOCUMENT",
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
    )
    got = api.spreadsheets.get(
        spreadsheetId=sid, ranges=["Sheet1!A1:B2"], fields=FULL_MASK
    ).execute()
    assert set(got) == {"sheets", "developerMetadata"}
    assert got["developerMetadata"][0]["location"] == {
        "locationType": "SPREADSHEET",
        "spreadsheet": True,
    }
    [sheet] = got["sheets"]
    [data] = sheet["data"]
    assert set(data) == {"rowData", "rowMetadata"}
    owner = data["rowData"][1]["values"][1]
    assert owner["userEnteredValue"] == {"stringValue": "legal@acme.com"}
    assert owner["effectiveValue"] == {"stringValue": "legal@acme.com"}
    assert owner["formattedValue"] == "legal@acme.com"
    assert owner["effectiveFormat"]["textFormat"]["fontSize"] == 10
    assert data["rowMetadata"][0] == {}
    assert data["rowMetadata"][1]["developerMetadata"][0]["metadataValue"] == "m1"


def test_duplicating_a_sheet_copies_its_cells_under_a_new_id(api: Api, sid: str) -> None:
    [reply] = api.batch(
        sid,
        {
            "duplicateSheet": {
                "sourceSheetId": 0,
                "insertSheetIndex": 0,
                "newSheetName": "Plan copy",
            }
        },
    )
    copy = reply["duplicateSheet"]["properties"]
    assert (copy["title"], copy["index"]) == ("Plan copy", 0)
    assert copy["sheetId"] != 0
    assert api.rows(sid, "'Plan copy'!A2:B2") == [["Security review", "legal@acme.com"]]


def test_find_replace_counts_what_it_changed(api: Api, sid: str) -> None:
    [reply] = api.batch(
        sid, {"findReplace": {"find": "review", "replacement": "check", "allSheets": True}}
    )
    assert reply["findReplace"] == {
        "valuesChanged": 2,
        "rowsChanged": 2,
        "sheetsChanged": 1,
        "occurrencesChanged": 2,
    }
    assert api.rows(sid, "A2:A3") == [["Security check"], ["Legal check"]]
    [none] = api.batch(
        sid,
        {
            "findReplace": {
                "find": "^dana$",
                "replacement": "x",
                "searchByRegex": True,
                "matchCase": True,
                "sheetId": 0,
            }
        },
    )
    assert none["findReplace"] == {}


def test_append_cells_writes_after_the_last_row_with_data(api: Api, sid: str) -> None:
    api.batch(
        sid,
        {
            "appendCells": {
                "sheetId": 0,
                "rows": [
                    {
                        "values": [
                            {"userEnteredValue": {"stringValue": "Signature"}},
                            {"userEnteredValue": {"numberValue": 3}},
                        ]
                    }
                ],
                "fields": "userEnteredValue",
            }
        },
    )
    assert api.rows(sid, "A4:B4") == [["Signature", "3"]]


def test_borders_are_stored_on_the_edge_cells(api: Api, sid: str) -> None:
    border = {"style": "SOLID", "color": {"red": 1}}
    rng = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    api.batch(sid, {"updateBorders": {"range": rng, "top": border, "innerHorizontal": border}})
    got = api.spreadsheets.get(
        spreadsheetId=sid,
        ranges=["A1:A2"],
        fields="sheets.data.rowData.values.userEnteredFormat.borders",
    ).execute()
    rows = got["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"][0]["userEnteredFormat"]["borders"] == {"top": border, "bottom": border}
    assert rows[1]["values"][0]["userEnteredFormat"]["borders"] == {"top": border}


def test_moving_a_row_carries_its_cells_and_metadata(api: Api, sid: str) -> None:
    api.batch(
        sid,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "milestone",
                    "metadataValue": "legal",
                    "location": {
                        "dimensionRange": {
                            "sheetId": 0,
                            "dimension": "ROWS",
                            "startIndex": 2,
                            "endIndex": 3,
                        }
                    },
                    "visibility": "DOCUMENT",
                }
            }
        },
    )
    api.batch(
        sid,
        {
            "moveDimension": {
                "source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3},
                "destinationIndex": 1,
            }
        },
    )
    assert api.rows(sid, "A2:A3") == [["Legal review"], ["Security review"]]
    found = (
        api.spreadsheets.developerMetadata()
        .search(
            spreadsheetId=sid,
            body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "milestone"}}]},
        )
        .execute()
    )
    assert (
        found["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]["dimensionRange"][
            "startIndex"
        ]
        == 1
    )


def test_append_dimension_and_groups_change_the_grid(api: Api, sid: str) -> None:
    api.batch(sid, {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 4}})
    [added] = api.batch(
        sid,
        {
            "addDimensionGroup": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}
            }
        },
    )
    assert added["addDimensionGroup"]["dimensionGroups"] == [
        {"range": {"dimension": "ROWS", "startIndex": 1, "endIndex": 3}, "depth": 1}
    ]
    [nested] = api.batch(
        sid,
        {
            "addDimensionGroup": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}
            }
        },
    )
    assert [g["depth"] for g in nested["addDimensionGroup"]["dimensionGroups"]] == [1, 2]
    props = api.spreadsheets.get(
        spreadsheetId=sid, fields="sheets.properties.gridProperties"
    ).execute()
    assert props["sheets"][0]["properties"]["gridProperties"] == {
        "rowCount": 1000,
        "columnCount": 30,
        "rowGroupControlAfter": True,
    }


def test_copy_to_puts_a_copy_of_a_sheet_in_another_spreadsheet(api: Api, sid: str) -> None:
    other = api.spreadsheets.create(body={"properties": {"title": "Target"}}).execute()[
        "spreadsheetId"
    ]
    copied = (
        api.spreadsheets.sheets()
        .copyTo(spreadsheetId=sid, sheetId=0, body={"destinationSpreadsheetId": other})
        .execute()
    )
    assert (copied["title"], copied["index"]) == ("Copy of Sheet1", 1)
    assert api.rows(other, "'Copy of Sheet1'!A3") == [["Legal review"]]


def test_get_by_data_filter_returns_the_sheets_and_cells_filters_select(api: Api, sid: str) -> None:
    got = api.spreadsheets.getByDataFilter(
        spreadsheetId=sid,
        body={"dataFilters": [{"a1Range": "Sheet1!B2"}], "includeGridData": True},
        fields="sheets(data(startRow,startColumn,rowData(values(formattedValue))))",
    ).execute()
    assert got == {
        "sheets": [
            {
                "data": [
                    {
                        "startRow": 1,
                        "startColumn": 1,
                        "rowData": [{"values": [{"formattedValue": "legal@acme.com"}]}],
                    }
                ]
            }
        ]
    }
