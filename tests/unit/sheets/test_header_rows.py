"""The rows of the Plan tab the backend puts back: requests that insert one row and
write only its cells."""

from __future__ import annotations

from datetime import date

from service.sheets.header_rows import go_live_row_requests, table_header_requests
from service.sheets.reader import SheetRead

TODAY = date(2026, 12, 4)


def read_with(header_cells: dict[str, tuple[int, int]]) -> SheetRead:
    return SheetRead(
        spreadsheet_id="s",
        title="t",
        map_id="x",
        sheet_ids={"Plan": 1001},
        row_count=100,
        columns={},
        table_header_row=10,
        header={},
        header_raw={},
        header_cells=header_cells,
        header_computed={},
        header_notes={},
    )


def test_nothing_to_put_back_when_the_go_live_row_is_there() -> None:
    read = read_with({"outcome": (2, 2), "go_live": (3, 2)})
    assert go_live_row_requests(read, date(2027, 3, 31), today=TODAY) == []


def test_a_missing_go_live_row_is_inserted_under_outcome_and_only_its_cells_written() -> None:
    read = read_with({"account": (1, 2), "outcome": (2, 2), "next_step": (8, 2)})

    insert, update = go_live_row_requests(read, date(2027, 3, 31), today=TODAY)

    assert insert["insertDimension"]["range"] == {
        "sheetId": 1001,
        "dimension": "ROWS",
        "startIndex": 3,
        "endIndex": 4,
    }
    written = update["updateCells"]
    assert (written["range"]["startRowIndex"], written["range"]["endRowIndex"]) == (3, 4)
    label, value, reason = written["rows"][0]["values"]
    assert label["userEnteredValue"] == {"stringValue": "Committed Go-Live"}
    assert value["userEnteredValue"] == {"numberValue": 46477}  # 2027-03-31
    assert "2027-03-31" in value["note"] and "2026-12-04" in value["note"]
    assert reason["userEnteredValue"] == {"stringValue": "Reason for change"}


def test_a_missing_table_header_is_inserted_with_every_column_and_a_note() -> None:
    insert, update, frozen = table_header_requests(1001, 10, today=TODAY)

    assert insert["insertDimension"]["range"]["startIndex"] == 10
    cells = update["updateCells"]["rows"][0]["values"]
    texts = [c.get("userEnteredValue", {}).get("stringValue") for c in cells]
    assert texts[:3] == ["ID", "Milestone", "Side"] and texts[-1] == "Risk"
    assert "it had been deleted" in cells[1]["note"]
    assert frozen["updateSheetProperties"]["properties"]["gridProperties"] == {"frozenRowCount": 11}
