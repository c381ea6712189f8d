"""Developer metadata and data filters through google-api-python-client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.sheets_clients import sheets_service


class Api:
    """The Sheets resources of one client, built once (building them is slow)."""

    def __init__(self, service: Any) -> None:
        self.spreadsheets = service.spreadsheets()
        self.values = self.spreadsheets.values()
        self.metadata = self.spreadsheets.developerMetadata()

    def batch(self, sid: str, *requests: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.spreadsheets.batchUpdate(
            spreadsheetId=sid, body={"requests": list(requests)}
        ).execute()
        replies: list[dict[str, Any]] = answer["replies"]
        return replies


@pytest.fixture
def api(emulator: Any) -> Iterator[Api]:
    service = sheets_service(emulator)
    yield Api(service)
    service.close()


@pytest.fixture
def sid(api: Api) -> str:
    created = api.spreadsheets.create(body={"properties": {"title": "Metadata"}}).execute()
    spreadsheet_id: str = created["spreadsheetId"]
    api.values.update(
        spreadsheetId=spreadsheet_id,
        range="A1",
        valueInputOption="RAW",
        body={"values": [["Milestone"], ["Security review"], ["Legal redlines"], ["Signature"]]},
    ).execute()
    return spreadsheet_id


def on_row(
    row: int, key: str = "milestone", value: str = "", metadata_id: int | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "metadataKey": key,
        "metadataValue": value,
        "location": {
            "dimensionRange": {
                "sheetId": 0,
                "dimension": "ROWS",
                "startIndex": row,
                "endIndex": row + 1,
            }
        },
        "visibility": "DOCUMENT",
    }
    if metadata_id is not None:
        meta["metadataId"] = metadata_id
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


def rows_of(api: Api, sid: str, key: str = "milestone") -> dict[str, int]:
    found = api.metadata.search(
        spreadsheetId=sid, body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": key}}]}
    ).execute()
    return {
        m["developerMetadata"]["metadataValue"]: m["developerMetadata"]["location"][
            "dimensionRange"
        ]["startIndex"]
        for m in found.get("matchedDeveloperMetadata", [])
    }


def test_creating_metadata_answers_it_with_its_id_and_location_type(api: Api, sid: str) -> None:
    [reply] = api.batch(sid, on_row(1, value="m-security", metadata_id=101))
    assert reply["createDeveloperMetadata"]["developerMetadata"] == {
        "metadataId": 101,
        "metadataKey": "milestone",
        "metadataValue": "m-security",
        "location": {
            "locationType": "ROW",
            "dimensionRange": {"dimension": "ROWS", "startIndex": 1, "endIndex": 2},
        },
        "visibility": "DOCUMENT",
    }
    assert (
        api.metadata.get(spreadsheetId=sid, metadataId=101).execute()["metadataValue"]
        == "m-security"
    )
    sheet_level = api.batch(
        sid,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "map",
                    "location": {"sheetId": 0},
                    "visibility": "PROJECT",
                }
            }
        },
    )
    assert sheet_level[0]["createDeveloperMetadata"]["developerMetadata"]["location"] == {
        "locationType": "SHEET",
        "sheetId": 0,
    }
    with pytest.raises(HttpError) as caught:
        api.batch(sid, on_row(2, metadata_id=101))
    assert caught.value.status_code == 400
    assert json.loads(caught.value.content)["error"]["message"].startswith(
        "Invalid requests[0].createDeveloperMetadata: "
    )


def test_row_metadata_moves_with_inserted_and_deleted_rows_and_goes_with_its_row(
    api: Api, sid: str
) -> None:
    api.batch(
        sid,
        on_row(1, value="m-security"),
        on_row(2, value="m-legal"),
        on_row(3, value="m-signature"),
    )
    api.batch(
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}
            }
        },
    )
    assert rows_of(api, sid) == {"m-security": 3, "m-legal": 4, "m-signature": 5}
    api.batch(
        sid,
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}
            }
        },
    )
    assert rows_of(api, sid) == {"m-security": 3, "m-signature": 4}
    values = api.values.get(spreadsheetId=sid, range="A4:A5").execute()["values"]
    assert values == [["Security review"], ["Signature"]]


def test_column_metadata_moves_with_inserted_columns(api: Api, sid: str) -> None:
    column = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}
    api.batch(
        sid,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "column",
                    "metadataValue": "status",
                    "location": {"dimensionRange": column},
                    "visibility": "DOCUMENT",
                }
            }
        },
    )
    api.batch(
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "inheritFromBefore": False,
            }
        },
    )
    found = api.metadata.search(
        spreadsheetId=sid,
        body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "column"}}]},
    ).execute()
    assert (
        found["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]["dimensionRange"][
            "startIndex"
        ]
        == 3
    )


def test_a_sort_moves_cell_data_but_leaves_row_metadata_at_its_row_index(
    api: Api, sid: str
) -> None:
    api.batch(sid, on_row(1, value="m-security"), on_row(3, value="m-signature"))
    rng = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    api.batch(
        sid,
        {
            "sortRange": {
                "range": rng,
                "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}],
            }
        },
    )
    assert api.values.get(spreadsheetId=sid, range="A2:A4").execute()["values"] == [
        ["Signature"],
        ["Security review"],
        ["Legal redlines"],
    ]
    assert rows_of(api, sid) == {"m-security": 1, "m-signature": 3}


def test_row_metadata_is_listed_in_the_grid_data_of_its_row(api: Api, sid: str) -> None:
    api.batch(sid, on_row(2, value="m-legal", metadata_id=7))
    got = api.spreadsheets.get(
        spreadsheetId=sid,
        ranges=["Sheet1!A2:A3"],
        fields="sheets(properties(sheetId),data(rowData(values(userEnteredValue)),rowMetadata(developerMetadata)))",
    ).execute()
    [data] = got["sheets"][0]["data"]
    assert data["rowMetadata"][0] == {}
    assert data["rowMetadata"][1]["developerMetadata"][0]["metadataId"] == 7
    assert data["rowData"][1] == {
        "values": [{"userEnteredValue": {"stringValue": "Legal redlines"}}]
    }


def test_data_filters_read_write_and_clear_the_rows_metadata_points_at(api: Api, sid: str) -> None:
    api.batch(sid, on_row(2, value="m-legal"))
    legal = {"developerMetadataLookup": {"metadataKey": "milestone", "metadataValue": "m-legal"}}
    api.batch(
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
            }
        },
    )
    written = api.values.batchUpdateByDataFilter(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [{"dataFilter": legal, "values": [[None, "Done", "2027-01-05"]]}],
            "includeValuesInResponse": True,
        },
    ).execute()
    [response] = written["responses"]
    assert response["updatedRange"] == "Sheet1!A4:C4"
    assert response["updatedCells"] == 2
    assert response["dataFilter"] == legal
    assert response["updatedData"]["values"] == [["Legal redlines", "Done", "2027-01-05"]]
    read = api.values.batchGetByDataFilter(
        spreadsheetId=sid, body={"dataFilters": [legal, {"a1Range": "A2"}]}
    ).execute()
    assert [m["valueRange"]["values"] for m in read["valueRanges"]] == [
        [["Legal redlines", "Done", "2027-01-05"]],
        [["Milestone"]],
    ]
    assert read["valueRanges"][1]["dataFilters"] == [{"a1Range": "A2"}]
    cleared = api.values.batchClearByDataFilter(
        spreadsheetId=sid, body={"dataFilters": [legal]}
    ).execute()
    assert cleared["clearedRanges"] == ["Sheet1!A4:Z4"]
    assert "values" not in api.values.get(spreadsheetId=sid, range="A4:C4").execute()


def test_metadata_can_be_updated_and_deleted_through_data_filters(api: Api, sid: str) -> None:
    api.batch(sid, on_row(1, value="m-security"), on_row(2, value="m-legal"))
    [updated] = api.batch(
        sid,
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataValue": "m-legal"}}],
                "developerMetadata": {"metadataValue": "m-legal-2"},
                "fields": "metadataValue",
            }
        },
    )
    assert [
        m["metadataValue"] for m in updated["updateDeveloperMetadata"]["developerMetadata"]
    ] == ["m-legal-2"]
    by_range = api.metadata.search(
        spreadsheetId=sid, body={"dataFilters": [{"a1Range": "Sheet1!A2:B2"}]}
    ).execute()
    assert [
        m["developerMetadata"]["metadataValue"] for m in by_range["matchedDeveloperMetadata"]
    ] == ["m-security"]
    [deleted] = api.batch(
        sid,
        {
            "deleteDeveloperMetadata": {
                "dataFilter": {"developerMetadataLookup": {"metadataKey": "milestone"}}
            }
        },
    )
    assert len(deleted["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 2
    assert (
        api.metadata.search(
            spreadsheetId=sid,
            body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "milestone"}}]},
        ).execute()
        == {}
    )


def test_a_lookup_by_exact_location_finds_only_the_metadata_on_that_row(api: Api, sid: str) -> None:
    api.batch(sid, on_row(1, value="m-security"), on_row(2, value="m-legal"))
    row = {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}
    found = api.metadata.search(
        spreadsheetId=sid,
        body={
            "dataFilters": [
                {
                    "developerMetadataLookup": {
                        "metadataLocation": row,
                        "locationMatchingStrategy": "EXACT_LOCATION",
                    }
                }
            ]
        },
    ).execute()
    assert [m["developerMetadata"]["metadataValue"] for m in found["matchedDeveloperMetadata"]] == [
        "m-legal"
    ]
