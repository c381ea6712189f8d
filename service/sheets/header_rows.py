"""The backend's rows of the Plan tab, put back when people deleted them.

Two rows of the Plan tab hold what the backend needs to read the plan at all: the
Committed Go-Live row of the header block and the milestone table's header row.
Deleting either used to leave the sync silent (the go-live kept its last value with
nothing on the sheet) or failing (no table). The read now puts them back:

- a deleted **table header row** is inserted again above the first milestone row,
  with the provisioned column headers (and the frozen rows reaching it), and a note on
  its Milestone cell saying what happened;
- a deleted **Committed Go-Live row** is inserted again under the Outcome row, with its
  label, the committed go-live as last recorded (shown in the spreadsheet locale's
  date format), the "Reason for change" label, and a note on the date saying what
  happened and which date that is.

Both insert a row, so nothing people typed anywhere else is overwritten; only the new
row's cells are written. The reason for change people had typed went with the deleted
row (Undo, or version history, brings it back).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import service.sheets.layout as layout
import service.sheets.requests as rq
from service.sheets.cell_values import date_pattern
from service.sheets.cells import cell_data
from service.sheets.provisioning import table_header_cell
from service.sheets.reader import SheetRead

GO_LIVE_NOTE = (
    "MAP restored this row on {today}: it had been deleted (or its label changed). The "
    "Committed Go-Live is the one last recorded, {go_live}; change it here if it moved."
)
TABLE_NOTE = (
    "MAP restored this header row on {today}: it had been deleted. The MAP finds the "
    "milestone table by it; please keep it."
)


def table_header_requests(sheet_id: int, row: int, *, today: date) -> list[dict[str, Any]]:
    """Insert the milestone table's header row at ``row`` (0-based), as provisioned."""
    cells = [table_header_cell(c) for c in layout.COLUMNS]
    title = layout.column_index("title")
    cells[title] = {**cells[title], "note": TABLE_NOTE.format(today=today.isoformat())}
    return [
        _insert_row(sheet_id, row),
        rq.update_cells(sheet_id, row, 0, cells, "userEnteredValue,userEnteredFormat,note"),
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": sheet_id,
                    "gridProperties": {"frozenRowCount": row + 1},
                },
                "fields": "gridProperties.frozenRowCount",
            }
        },
    ]


def go_live_row_requests(read: SheetRead, go_live: date, *, today: date) -> list[dict[str, Any]]:
    """Insert the Committed Go-Live row under the Outcome row (or where provisioning put
    it), showing ``go_live``; none when the read found that row."""
    if "go_live" in read.header_cells:
        return []
    above = read.header_cells.get("outcome") or read.header_cells.get("account")
    row = above[0] + 1 if above else layout.HEADER_BY_KEY["go_live"].row
    row = min(row, read.table_header_row)
    label = cell_data(layout.HEADER_BY_KEY["go_live"].label)
    label["userEnteredFormat"] = {"textFormat": {"bold": True}}
    value = cell_data(go_live, date_pattern=date_pattern(read.locale))
    value["note"] = GO_LIVE_NOTE.format(today=today.isoformat(), go_live=go_live.isoformat())
    reason = cell_data(layout.REASON_LABEL)
    reason["userEnteredFormat"] = {"textFormat": {"bold": True}}
    cells: list[dict[str, Any]] = [{} for _ in range(layout.REASON_LABEL_COL + 1)]
    cells[layout.LABEL_COL] = label
    cells[layout.VALUE_COL] = value
    cells[layout.REASON_LABEL_COL] = reason
    start = layout.LABEL_COL
    return [
        _insert_row(read.plan_sheet_id, row),
        rq.update_cells(
            read.plan_sheet_id, row, start, cells[start:], "userEnteredValue,userEnteredFormat,note"
        ),
    ]


def _insert_row(sheet_id: int, row: int) -> dict[str, Any]:
    return {
        "insertDimension": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "ROWS",
                "startIndex": row,
                "endIndex": row + 1,
            },
            "inheritFromBefore": row > 0,
        }
    }
