"""Edits a person makes in the preview, applied as that person through the emulator's
Sheets model, exactly as an edit in Sheets would land: a cell typed in (USER_ENTERED),
a row inserted below another, a row deleted. The emulator checks the person's access
and protected ranges and raises Google's error when it refuses; a change bumps the
file's version and goes out to the change feed (Drive push notifications).

Each edit answers what the add-on's installable triggers would be told about it: the
tab, the A1 range, the values before and after (a cell), or the kind of change (rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.errors import GoogleApiError
from emulator.preview.grid_view import column_letter
from emulator.sheets.a1 import quote_sheet_name
from emulator.sheets.model import Sheet, Spreadsheet
from emulator.sheets.render import Renderer
from emulator.sheets.spreadsheet_ops import apply_batch_update, open_spreadsheet
from emulator.sheets.values_ops import apply_values_update
from emulator.state import EmulatorState

# Google's limit on the characters in one cell.
MAX_CELL_CHARS = 50_000

INSERT_ROW = "INSERT_ROW"
REMOVE_ROW = "REMOVE_ROW"


@dataclass(frozen=True)
class Edited:
    """What happened, as Apps Script's edit and change events describe it."""

    spreadsheet_id: str
    user: str
    sheet: str
    a1: str  # the edited cell; for a change of rows, the tab's data range
    change_type: str = "EDIT"  # EDIT (onEdit) or INSERT_ROW / REMOVE_ROW (onChange)
    value: str | None = None
    old_value: str | None = None


def _sheet(spreadsheet: Spreadsheet, sheet_id: int) -> Sheet:
    sheet = spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        raise GoogleApiError(400, f"No grid with id: {sheet_id}")
    return sheet


def _check_cell(sheet: Sheet, row: int, col: int) -> None:
    rows, cols = sheet.row_count, sheet.column_count
    if not (0 <= row < rows and 0 <= col < cols):
        raise GoogleApiError(
            400,
            f"Range ({sheet.title}!{column_letter(col)}{row + 1}) exceeds grid limits. "
            f"Max rows: {rows}, max columns: {cols}",
        )


def _data_range(sheet: Sheet) -> str:
    rows, cols = sheet.data_extent()
    return f"A1:{column_letter(max(cols, 1) - 1)}{max(rows, 1)}"


def edit_cell(
    state: EmulatorState,
    spreadsheet_id: str,
    user: str,
    sheet_id: int,
    row: int,
    col: int,
    value: str,
) -> Edited:
    """``user`` types ``value`` into one cell (USER_ENTERED, as in the Sheets editor)."""
    if len(value) > MAX_CELL_CHARS:
        raise GoogleApiError(
            400,
            f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a "
            "single cell.",
        )
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        sheet = _sheet(spreadsheet, sheet_id)
        _check_cell(sheet, row, col)
        a1 = f"{column_letter(col)}{row + 1}"
        old = Renderer(spreadsheet).formatted(sheet, row, col)
        apply_values_update(
            state,
            spreadsheet_id,
            f"{quote_sheet_name(sheet.title)}!{a1}",
            [[value]],
            "USER_ENTERED",
            user,
        )
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        sheet = _sheet(spreadsheet, sheet_id)
        new = Renderer(spreadsheet).formatted(sheet, row, col)
        return Edited(
            spreadsheet_id, user, sheet.title, a1, value=new, old_value=old if old != "" else None
        )


def _rows_request(kind: str, sheet_id: int, start: int) -> dict[str, Any]:
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": start + 1}
    if kind == INSERT_ROW:
        return {"insertDimension": {"range": span, "inheritFromBefore": True}}
    return {"deleteDimension": {"range": span}}


def change_rows(
    state: EmulatorState, spreadsheet_id: str, user: str, sheet_id: int, row: int, kind: str
) -> Edited:
    """``user`` inserts a row below ``row`` (formats carried down from it, as Sheets'
    "Insert 1 row below" does) or deletes ``row``: one batchUpdate as that user."""
    if kind not in (INSERT_ROW, REMOVE_ROW):
        raise GoogleApiError(400, f"Unknown change of rows: {kind}")
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        sheet = _sheet(spreadsheet, sheet_id)
        _check_cell(sheet, row, 0)
        start = row + 1 if kind == INSERT_ROW else row
        apply_batch_update(
            state, spreadsheet_id, {"requests": [_rows_request(kind, sheet_id, start)]}, user
        )
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        sheet = _sheet(spreadsheet, sheet_id)
        return Edited(spreadsheet_id, user, sheet.title, _data_range(sheet), change_type=kind)
