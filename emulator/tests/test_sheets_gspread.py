"""gspread, unchanged, against the emulator (its session sends Google's hosts there)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest
from gspread.utils import ValueInputOption, ValueRenderOption

from emulator.tests.sheets_clients import gspread_client


@pytest.fixture
def gc(emulator: Any) -> Iterator[gspread.Client]:
    client = gspread_client(emulator)
    yield client
    client.http_client.session.close()


def test_gspread_creates_a_spreadsheet_and_reads_back_what_it_writes(gc: gspread.Client) -> None:
    spreadsheet = gc.create("gspread MAP")
    sheet = spreadsheet.sheet1
    sheet.update(
        [["Milestone", "Due"], ["Kickoff", "1/5/2027"]],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    assert sheet.get_all_values() == [["Milestone", "Due"], ["Kickoff", "1/5/2027"]]
    due = sheet.get("B2", value_render_option=ValueRenderOption.unformatted)
    assert due == [[46392]]
    assert gc.open_by_key(spreadsheet.id).title == "gspread MAP"


def test_gspread_appends_rows_and_reads_records(gc: gspread.Client) -> None:
    sheet = gc.create("records").sheet1
    sheet.append_row(["Milestone", "Owner", "Status"])
    sheet.append_rows([["Security review", "Ana", "Done"], ["Legal", "", "Blocked"]])
    assert sheet.get_all_records() == [
        {"Milestone": "Security review", "Owner": "Ana", "Status": "Done"},
        {"Milestone": "Legal", "Owner": "", "Status": "Blocked"},
    ]


def test_gspread_raw_text_stays_text(gc: gspread.Client) -> None:
    sheet = gc.create("raw").sheet1
    sheet.update(
        [["=1+1", "+44 20 7946 0958", "-milestone"]], "A1", value_input_option=ValueInputOption.raw
    )
    assert sheet.get("A1:C1", value_render_option=ValueRenderOption.formula) == [
        ["=1+1", "+44 20 7946 0958", "-milestone"]
    ]


def test_gspread_sees_a_failed_batch_as_an_api_error_and_nothing_changes(
    gc: gspread.Client,
) -> None:
    spreadsheet = gc.create("atomic")
    spreadsheet.add_worksheet("History", rows=10, cols=5)
    with pytest.raises(gspread.exceptions.APIError) as caught:
        spreadsheet.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Reviews"}}},
                    {"deleteSheet": {"sheetId": 123456}},
                ]
            }
        )
    assert caught.value.response.status_code == 400
    assert "Invalid requests[1].deleteSheet: No grid with id: 123456" in str(caught.value)
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "History"]


def test_gspread_manages_worksheets_rows_and_columns(gc: gspread.Client) -> None:
    spreadsheet = gc.create("structure")
    sheet = spreadsheet.add_worksheet("Plan", rows=5, cols=3)
    sheet.update([["a"], ["b"], ["c"]], "A1")
    sheet.insert_row(["new"], index=2)
    sheet.delete_rows(3)
    assert sheet.col_values(1) == ["a", "new", "c"]
    sheet.freeze(rows=1)
    sheet.update_title("Plan 2")
    spreadsheet.reorder_worksheets([sheet, spreadsheet.sheet1])
    assert [w.title for w in spreadsheet.worksheets()] == ["Plan 2", "Sheet1"]
    assert spreadsheet.worksheet("Plan 2").frozen_row_count == 1
