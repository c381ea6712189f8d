"""The values API through google-api-python-client: input, rendering, append, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.sheets_clients import sheets_service


@pytest.fixture
def sheets(emulator: Any) -> Iterator[Any]:
    service = sheets_service(emulator)
    yield service
    service.close()


@pytest.fixture
def sid(sheets: Any) -> str:
    created = sheets.spreadsheets().create(body={"properties": {"title": "Values"}}).execute()
    spreadsheet_id: str = created["spreadsheetId"]
    return spreadsheet_id


def put(
    sheets: Any, sid: str, rng: str, rows: list[list[Any]], option: str = "USER_ENTERED", **kw: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = (
        sheets.spreadsheets()
        .values()
        .update(spreadsheetId=sid, range=rng, valueInputOption=option, body={"values": rows}, **kw)
        .execute()
    )
    return answer


def read(sheets: Any, sid: str, rng: str, **kw: Any) -> list[list[Any]]:
    got = sheets.spreadsheets().values().get(spreadsheetId=sid, range=rng, **kw).execute()
    values: list[list[Any]] = got.get("values", [])
    return values


def error_of(exc: HttpError) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(exc.content)["error"]
    return error


def test_user_entered_reads_numbers_dates_booleans_and_formulas_as_typed(
    sheets: Any, sid: str
) -> None:
    typed = [
        ["42", "1/5/2027", "2027-01-05", "Jan 5, 2027", "TRUE", "'=1+1", "=2*21", "50%", "2,000.5"]
    ]
    put(sheets, sid, "A1", typed)
    assert read(sheets, sid, "A1:I1", valueRenderOption="UNFORMATTED_VALUE") == [
        [42, 46392, 46392, 46392, True, "=1+1", 42, 0.5, 2000.5]
    ]
    assert read(sheets, sid, "A1:I1") == [
        ["42", "1/5/2027", "2027-01-05", "Jan 5, 2027", "TRUE", "=1+1", "42", "50%", "2,000.50"]
    ]
    assert read(sheets, sid, "G1", valueRenderOption="FORMULA") == [["=2*21"]]


def test_raw_input_stores_strings_as_typed(sheets: Any, sid: str) -> None:
    put(
        sheets,
        sid,
        "A1",
        [['=IMPORTXML("http://x", "//a")', "1/5/2027", "007", 7, True]],
        option="RAW",
    )
    assert read(sheets, sid, "A1:E1", valueRenderOption="FORMULA") == [
        ['=IMPORTXML("http://x", "//a")', "1/5/2027", "007", 7, True]
    ]
    assert read(sheets, sid, "A1:E1") == [
        ['=IMPORTXML("http://x", "//a")', "1/5/2027", "007", "7", "TRUE"]
    ]


def test_dates_read_as_serial_numbers_or_formatted_strings(sheets: Any, sid: str) -> None:
    put(sheets, sid, "A1", [["1/5/2027"]])
    assert read(sheets, sid, "A1", valueRenderOption="UNFORMATTED_VALUE") == [[46392]]
    assert read(
        sheets,
        sid,
        "A1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="FORMATTED_STRING",
    ) == [["1/5/2027"]]


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [
        ("yyyy-mm-dd", "2027-01-05"),
        ("M/d/yyyy", "1/5/2027"),
        ("mmm d, yyyy", "Jan 5, 2027"),
        ("dd mmm yyyy", "05 Jan 2027"),
        ("dddd d mmmm", "Tuesday 5 January"),
    ],
)
def test_a_date_is_shown_through_its_number_format_pattern(
    sheets: Any, sid: str, pattern: str, shown: str
) -> None:
    put(sheets, sid, "A1", [[46392]], option="RAW")
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "repeatCell": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "cell": {
                            "userEnteredFormat": {
                                "numberFormat": {"type": "DATE", "pattern": pattern}
                            }
                        },
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            ]
        },
    ).execute()
    assert read(sheets, sid, "A1") == [[shown]]


def test_numbers_are_shown_with_their_decimals(sheets: Any, sid: str) -> None:
    put(sheets, sid, "A1", [[1234.5, 0.125, 3]], option="RAW")
    cell = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}
    formats = [("#,##0.00", 0), ("0.0%", 1), ("0.000", 2)]
    requests = [
        {
            "repeatCell": {
                "range": {**cell, "startColumnIndex": c, "endColumnIndex": c + 1},
                "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": p}}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for p, c in formats
    ]
    sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": requests}).execute()
    assert read(sheets, sid, "A1:C1") == [["1,234.50", "12.5%", "3.000"]]


def test_null_leaves_a_cell_and_an_empty_string_clears_it(sheets: Any, sid: str) -> None:
    put(sheets, sid, "A1", [["keep", "drop", "keep too"]])
    answer = put(sheets, sid, "A1:C1", [[None, "", None]])
    assert answer["updatedRange"] == "Sheet1!A1:C1"
    assert answer["updatedCells"] == 1
    assert read(sheets, sid, "A1:C1") == [["keep", "", "keep too"]]


def test_reads_trim_empty_cells_and_rows_and_columns_major_transposes(
    sheets: Any, sid: str
) -> None:
    put(sheets, sid, "A1", [["a", "", "c"], ["", "", ""], ["d"]])
    got = sheets.spreadsheets().values().get(spreadsheetId=sid, range="Sheet1").execute()
    assert got == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["d"]],
    }
    assert read(sheets, sid, "A1:C3", majorDimension="COLUMNS") == [["a", "", "d"], [], ["c"]]
    assert sheets.spreadsheets().values().get(spreadsheetId=sid, range="E5:F6").execute() == {
        "range": "Sheet1!E5:F6",
        "majorDimension": "ROWS",
    }


def test_updates_can_return_the_values_written(sheets: Any, sid: str) -> None:
    answer = put(
        sheets,
        sid,
        "B2",
        [["=1+1", "x"]],
        includeValuesInResponse=True,
        responseValueRenderOption="FORMULA",
    )
    assert answer["updatedData"] == {
        "range": "Sheet1!B2:C2",
        "majorDimension": "ROWS",
        "values": [["=1+1", "x"]],
    }


def test_append_writes_after_the_table_and_can_insert_rows(sheets: Any, sid: str) -> None:
    first = (
        sheets.spreadsheets()
        .values()
        .append(
            spreadsheetId=sid,
            range="Sheet1",
            valueInputOption="RAW",
            body={"values": [["Milestone", "Owner"]]},
        )
        .execute()
    )
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    put(sheets, sid, "A5", [["footer"]])
    second = (
        sheets.spreadsheets()
        .values()
        .append(
            spreadsheetId=sid,
            range="A1",
            valueInputOption="RAW",
            insertDataOption="INSERT_ROWS",
            body={"values": [["Kickoff", "Ana"]]},
        )
        .execute()
    )
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B2"
    assert read(sheets, sid, "A1:B6") == [
        ["Milestone", "Owner"],
        ["Kickoff", "Ana"],
        [],
        [],
        [],
        ["footer"],
    ]
    grid = (
        sheets.spreadsheets()
        .get(spreadsheetId=sid, fields="sheets.properties.gridProperties")
        .execute()
    )
    assert grid["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 1001


def test_batch_get_update_and_clear_work_on_several_ranges(sheets: Any, sid: str) -> None:
    values = sheets.spreadsheets().values()
    answer = values.batchUpdate(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [
                {"range": "A1:B1", "values": [["a", "b"]]},
                {"range": "D4", "values": [["d"]]},
            ],
        },
    ).execute()
    assert (
        answer["totalUpdatedCells"],
        answer["totalUpdatedRows"],
        answer["totalUpdatedSheets"],
    ) == (3, 2, 1)
    got = values.batchGet(spreadsheetId=sid, ranges=["A1:B1", "D4"]).execute()
    assert [r["values"] for r in got["valueRanges"]] == [[["a", "b"]], [["d"]]]
    cleared = values.batchClear(spreadsheetId=sid, body={"ranges": ["A1:B1", "D4"]}).execute()
    assert cleared["clearedRanges"] == ["Sheet1!A1:B1", "Sheet1!D4"]
    assert read(sheets, sid, "Sheet1") == []


def test_a_values_batch_counts_each_updated_row_and_column_once(sheets: Any, sid: str) -> None:
    # As Google answered gspread's WorksheetTest.test_batch_update (recorded): two rows
    # of the same four columns are 2 rows, 4 columns (not 8) and 8 cells.
    values = sheets.spreadsheets().values()
    recorded = values.batchUpdate(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [
                {"range": "'Sheet1'!A1:D1", "values": [["A1", "B1", "", "D1"]]},
                {"range": "'Sheet1'!A4:D4", "values": [["A4", "B4", "", "D4"]]},
            ],
        },
    ).execute()
    by_filter = values.batchUpdateByDataFilter(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [
                {"dataFilter": {"a1Range": "A6:B6"}, "values": [["a", "b"]]},
                {"dataFilter": {"a1Range": "B7:C8"}, "values": [["b", "c"], ["b", "c"]]},
            ],
        },
    ).execute()

    def totals(answer: dict[str, Any]) -> tuple[int, int, int, int]:
        return (
            answer["totalUpdatedRows"],
            answer["totalUpdatedColumns"],
            answer["totalUpdatedCells"],
            answer["totalUpdatedSheets"],
        )

    assert totals(recorded) == (2, 4, 8, 1)
    assert [r["updatedColumns"] for r in recorded["responses"]] == [4, 4]
    assert totals(by_filter) == (3, 3, 6, 1)


def test_a_failing_range_in_a_values_batch_writes_nothing(sheets: Any, sid: str) -> None:
    with pytest.raises(HttpError) as caught:
        sheets.spreadsheets().values().batchUpdate(
            spreadsheetId=sid,
            body={
                "valueInputOption": "RAW",
                "data": [
                    {"range": "A1", "values": [["a"]]},
                    {"range": "A1:B1", "values": [["1", "2", "3"]]},
                ],
            },
        ).execute()
    assert error_of(caught.value)["message"] == (
        "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]"
    )
    assert read(sheets, sid, "Sheet1") == []


@pytest.mark.parametrize(
    ("rng", "message"),
    [
        ("Nope!A1", "Unable to parse range: Nope!A1"),
        (
            "A1:B2000",
            "Range (Sheet1!A1:B2000) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
        ("AA1", "Range (Sheet1!AA1) exceeds grid limits. Max rows: 1000, max columns: 26"),
    ],
)
def test_bad_ranges_answer_googles_errors(sheets: Any, sid: str, rng: str, message: str) -> None:
    with pytest.raises(HttpError) as caught:
        read(sheets, sid, rng)
    assert error_of(caught.value) == {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}


def test_writes_need_a_value_input_option(emulator: Any, sid: str) -> None:
    import requests

    answer = requests.put(
        f"{emulator.url}/v4/spreadsheets/{sid}/values/A1",
        json={"values": [["x"]]},
        headers={"Authorization": "Bearer any-token"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "'valueInputOption' is required but not specified"


def test_formulas_compute_sums_and_references_and_show_googles_errors(
    sheets: Any, sid: str
) -> None:
    put(
        sheets, sid, "A1", [[2, 3, "=A1*B1+SUM(A1:B1)", "=1/0", "=NOSUCH(1)", '=A1&" days"', "=C1"]]
    )
    assert read(sheets, sid, "C1:G1", valueRenderOption="UNFORMATTED_VALUE") == [
        [11, "#DIV/0!", "#NAME?", "2 days", 11]
    ]
    got = (
        sheets.spreadsheets()
        .get(
            spreadsheetId=sid,
            ranges=["D1:E1"],
            fields="sheets.data.rowData.values(effectiveValue,formattedValue)",
        )
        .execute()
    )
    div, name = got["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert div == {
        "effectiveValue": {
            "errorValue": {
                "type": "DIVIDE_BY_ZERO",
                "message": "Function DIVIDE parameter 2 cannot be zero.",
            }
        },
        "formattedValue": "#DIV/0!",
    }
    assert name["formattedValue"] == "#NAME?"
    assert name["effectiveValue"]["errorValue"]["type"] == "NAME"


def test_formulas_follow_their_cells_when_rows_are_inserted_and_deleted(
    sheets: Any, sid: str
) -> None:
    put(sheets, sid, "A1", [[1], [2], [3], ["=SUM(A1:A3)", "=A2*10"]])
    rows = {"sheetId": 0, "dimension": "ROWS"}
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [{"insertDimension": {"range": {**rows, "startIndex": 1, "endIndex": 3}}}]
        },
    ).execute()
    assert read(sheets, sid, "A6:B6", valueRenderOption="FORMULA") == [["=SUM(A1:A5)", "=A4*10"]]
    assert read(sheets, sid, "A6:B6", valueRenderOption="UNFORMATTED_VALUE") == [[6, 20]]
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [{"deleteDimension": {"range": {**rows, "startIndex": 3, "endIndex": 4}}}]
        },
    ).execute()
    assert read(sheets, sid, "A5:B5", valueRenderOption="FORMULA") == [["=SUM(A1:A4)", "=#REF!*10"]]
    assert read(sheets, sid, "A5:B5") == [["4", "#REF!"]]


def test_formula_cells_read_back_in_the_shapes_google_gives(sheets: Any, sid: str) -> None:
    formulas = [
        "=NA()",
        '=""',
        "=DATE(2023, 3, 19)",
        "=NotARealFunction()",
        '=vlookup("nope", b1:b1, 1, false)',
        "=C1",
    ]
    put(sheets, sid, "A1", [formulas])
    got = (
        sheets.spreadsheets()
        .get(
            spreadsheetId=sid,
            ranges=["A1:F1"],
            fields="sheets.data.rowData.values(userEnteredValue,effectiveValue,formattedValue,effectiveFormat)",
        )
        .execute()
    )
    na, empty, day, unknown, lookup, ref = got["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert (
        na["effectiveValue"] == {"errorValue": {"type": "N_A"}} and na["formattedValue"] == "#N/A"
    )
    assert set(empty) == {"userEnteredValue", "effectiveFormat"}
    assert day["effectiveValue"] == {"numberValue": 45004} and day["formattedValue"] == "3/19/2023"
    assert day["effectiveFormat"] == {
        "numberFormat": {"type": "DATE"},
        "textFormat": {
            "foregroundColor": {},
            "fontFamily": "Arial",
            "fontSize": 10,
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "foregroundColorStyle": {"rgbColor": {}},
        },
        "hyperlinkDisplayType": "PLAIN_TEXT",
    }
    assert unknown["userEnteredValue"] == {"formulaValue": "=NotARealFunction()"}
    assert unknown["effectiveValue"]["errorValue"] == {
        "type": "NAME",
        "message": "Unknown function: 'NotARealFunction'.",
    }
    assert lookup["userEnteredValue"] == {"formulaValue": '=VLOOKUP("nope", B1, 1, FALSE)'}
    assert lookup["effectiveValue"]["errorValue"] == {
        "type": "N_A",
        "message": "Did not find value 'nope' in VLOOKUP evaluation.",
    }
    assert ref["formattedValue"] == "3/19/2023" and ref["effectiveFormat"]["numberFormat"] == {
        "type": "DATE"
    }


def test_a_colour_written_one_way_reads_back_both_ways(sheets: Any, sid: str) -> None:
    cell = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    fmt = {
        "backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8},
        "textFormat": {"foregroundColorStyle": {"rgbColor": {"red": 0.6}}},
    }
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "repeatCell": {
                        "range": cell,
                        "cell": {"userEnteredFormat": fmt},
                        "fields": "userEnteredFormat(backgroundColor,textFormat)",
                    }
                }
            ]
        },
    ).execute()
    got = (
        sheets.spreadsheets()
        .get(
            spreadsheetId=sid, ranges=["A1"], fields="sheets.data.rowData.values.userEnteredFormat"
        )
        .execute()
    )
    stored = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert stored["backgroundColorStyle"] == {"rgbColor": {"red": 1, "green": 0.8, "blue": 0.8}}
    assert stored["textFormat"]["foregroundColor"] == {"red": 0.6}


@pytest.mark.parametrize(
    ("rng", "body", "message"),
    [
        (
            "A1:B1",
            {"values": ["x"]},
            "Invalid value at 'data.values[0]' "
            '(type.googleapis.com/google.protobuf.ListValue), "x"',
        ),
        (
            "A1",
            {"values": [[[1]]]},
            "Invalid values[0][0]: list_value \t {\n  values {\n    number_value: 1.0\n  }\n}\n",
        ),
        (
            "Sheet1!ZZ999",
            {"range": "Sheet1!ZZ998", "values": [["x"]]},
            "Request range[Sheet1!ZZ999] does not match value's range[Sheet1!ZZ998]",
        ),
        ("A1:B2:C3", {"values": [["x"]]}, "Unable to parse range: A1:B2:C3"),
    ],
)
def test_malformed_writes_answer_googles_messages(
    sheets: Any, sid: str, rng: str, body: dict[str, Any], message: str
) -> None:
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 680}}]
        },
    ).execute()
    with pytest.raises(HttpError) as caught:
        sheets.spreadsheets().values().update(
            spreadsheetId=sid, range=rng, valueInputOption="RAW", body=body
        ).execute()
    assert error_of(caught.value)["message"] == message


def test_an_update_without_fields_names_the_missing_mask(sheets: Any, sid: str) -> None:
    cell = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    with pytest.raises(HttpError) as caught:
        sheets.spreadsheets().batchUpdate(
            spreadsheetId=sid,
            body={"requests": [{"repeatCell": {"range": cell, "cell": {"note": "x"}}}]},
        ).execute()
    assert error_of(caught.value)["message"] == (
        "Invalid requests[0].repeatCell: At least one field must be listed in 'fields'. "
        "(Use '*' to indicate all fields.)"
    )
    with pytest.raises(HttpError) as caught:
        sheets.spreadsheets().batchUpdate(
            spreadsheetId=sid, body={"requests": ["repeatCell"]}
        ).execute()
    assert error_of(caught.value)["message"] == (
        "Invalid value at 'requests[0]' (type.googleapis.com/google.apps.sheets.v4."
        'BatchUpdateSpreadsheetRequest.Request), "repeatCell"'
    )
    with pytest.raises(HttpError) as caught:
        sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": []}).execute()
    assert error_of(caught.value)["message"] == "Must specify at least one request."


def test_updated_data_covers_the_requested_range_when_it_is_larger_than_the_write(
    sheets: Any, sid: str
) -> None:
    put(sheets, sid, "C3", [["below"]])
    answer = put(sheets, sid, "A1:D4", [["x", "y"]], includeValuesInResponse=True)
    assert answer["updatedRange"] == "Sheet1!A1:B1"
    assert answer["updatedData"] == {
        "range": "Sheet1!A1:D4",
        "majorDimension": "ROWS",
        "values": [["x", "y"], [], ["", "", "below"]],
    }


def test_a_function_missing_its_arguments_shows_googles_na_instead_of_failing(
    sheets: Any, sid: str
) -> None:
    put(sheets, sid, "A1", [["=ABS()", "=IFERROR()", 5]])
    assert read(sheets, sid, "A1:C1", valueRenderOption="UNFORMATTED_VALUE") == [
        ["#N/A", "#N/A", 5]
    ]


def date_formatted(sheets: Any, sid: str, rng: dict[str, int]) -> None:
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, **rng},
                        "cell": {
                            "userEnteredFormat": {
                                "numberFormat": {"type": "DATE", "pattern": "mmm d, yyyy"}
                            }
                        },
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            ]
        },
    ).execute()


@pytest.mark.parametrize(
    "typed", ["20270304", "2958466", "99999999", "-1", "-700000", "1e300", "0.5"]
)
def test_odd_numbers_in_a_date_cell_read_back_instead_of_failing(
    sheets: Any, sid: str, typed: str
) -> None:
    """A person types 20270304 into a Due date cell: every read of the spreadsheet must
    still answer (the number is beyond the dates Sheets can show: it shows the number)."""
    date_formatted(
        sheets,
        sid,
        {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 1},
    )
    put(sheets, sid, "A1:A2", [[typed], ["1/5/2027"]])

    shown = read(sheets, sid, "A1:A2")
    raw = read(sheets, sid, "A1", valueRenderOption="UNFORMATTED_VALUE")
    whole = (
        sheets.spreadsheets()
        .get(spreadsheetId=sid, includeGridData=True, ranges=["A1:A2"])
        .execute()
    )

    assert shown[1] == ["Jan 5, 2027"]
    assert raw == [[json.loads(typed) if "e" not in typed else float(typed)]]
    cell = whole["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["effectiveValue"] == {"numberValue": raw[0][0]}
    assert cell["formattedValue"] == shown[0][0]


LIMIT_MESSAGE = "Your input contains more than the maximum of 50000 characters in a single cell."


@pytest.mark.parametrize("option", ["RAW", "USER_ENTERED"])
def test_a_value_over_50000_characters_is_refused_as_google_refuses_it(
    sheets: Any, sid: str, option: str
) -> None:
    put(sheets, sid, "A1", [["x" * 50_000]], option=option)

    with pytest.raises(HttpError) as refused:
        put(sheets, sid, "A2:B2", [["ok", "x" * 50_001]], option=option)

    assert refused.value.resp.status == 400
    assert error_of(refused.value) == {
        "code": 400,
        "message": LIMIT_MESSAGE,
        "status": "INVALID_ARGUMENT",
    }
    assert read(sheets, sid, "A1:B2") == [["x" * 50_000]], "nothing of the refused write"


@pytest.mark.parametrize(
    "entered",
    [{"stringValue": "x" * 50_001}, {"formulaValue": '="' + "x" * 50_000 + '"'}],
)
def test_a_batch_update_with_a_cell_over_the_limit_is_refused_whole(
    sheets: Any, sid: str, entered: dict[str, str]
) -> None:
    requests = [
        {
            "updateCells": {
                "range": {"sheetId": 0, "startRowIndex": 0, "startColumnIndex": 0},
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "first"}}]}],
                "fields": "userEnteredValue",
            }
        },
        {
            "appendCells": {
                "sheetId": 0,
                "rows": [{"values": [{"userEnteredValue": entered}]}],
                "fields": "userEnteredValue",
            }
        },
    ]
    with pytest.raises(HttpError) as refused:
        sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": requests}).execute()

    assert refused.value.resp.status == 400
    assert error_of(refused.value)["message"] == f"Invalid requests[1].appendCells: {LIMIT_MESSAGE}"
    assert read(sheets, sid, "A1:A3") == []


def set_locale(sheets: Any, sid: str, locale: str) -> None:
    request = {
        "updateSpreadsheetProperties": {"properties": {"locale": locale}, "fields": "locale"}
    }
    sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": [request]}).execute()


MARCH_4_2027 = 46450
APRIL_3_2027 = 46480


@pytest.mark.parametrize(
    ("locale", "typed", "serial", "shown"),
    [
        ("en_US", "3/4/2027", MARCH_4_2027, "3/4/2027"),  # month first
        ("en_GB", "3/4/2027", APRIL_3_2027, "3/4/2027"),  # day first
        ("en_GB", "04/03/2027", MARCH_4_2027, "04/03/2027"),
        ("de_DE", "04.03.2027", MARCH_4_2027, "04.03.2027"),
        ("fr_FR", "4/3/2027", MARCH_4_2027, "4/3/2027"),
        ("ja_JP", "2027/3/4", MARCH_4_2027, "2027/03/04"),  # year first, as in every locale
        ("de_DE", "2027-03-04", MARCH_4_2027, "2027-03-04"),
        ("de_DE", "4 Mar 2027", MARCH_4_2027, "4 Mar 2027"),
    ],
)
def test_user_entered_dates_are_read_by_the_spreadsheets_locale(
    sheets: Any, sid: str, locale: str, typed: str, serial: int, shown: str
) -> None:
    set_locale(sheets, sid, locale)
    put(sheets, sid, "A1", [[typed]])
    assert read(sheets, sid, "A1", valueRenderOption="UNFORMATTED_VALUE") == [[serial]]
    assert read(sheets, sid, "A1") == [[shown]]


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("en_GB", "3/13/2027"), ("en_US", "13/3/2027"), ("de_DE", "32.01.2027"), ("en_US", "1.2.30")],
)
def test_a_typed_date_with_no_such_day_in_the_locales_order_stays_text(
    sheets: Any, sid: str, locale: str, typed: str
) -> None:
    set_locale(sheets, sid, locale)
    put(sheets, sid, "A1", [[typed]])
    assert read(sheets, sid, "A1", valueRenderOption="UNFORMATTED_VALUE") == [[typed]]
