"""Reading and writing cell values: the core of the ``values`` API.

Reading renders a range as ``ValueRange``: trailing empty cells and rows are dropped,
an empty row inside the range is ``[]``, and an empty range has no ``values`` at all.

Writing takes ``ValueRange.values``: ``null`` leaves a cell as it is, ``""`` clears
its value (its format and note stay). A single-cell range is an anchor the values
grow from; any other range bounds the write ("Requested writing within range [...],
but tried writing to row [N]"); nothing may reach past the grid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import GoogleApiError
from emulator.sheets import user_entered
from emulator.sheets.a1 import (
    ResolvedRange,
    bounded,
    cells_label,
    exceeds_grid,
    format_range,
    quote_sheet_name,
)
from emulator.sheets.locales import DEFAULT_LOCALE
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.protection import check_writable
from emulator.sheets.render import Renderer

ROWS = "ROWS"
COLUMNS = "COLUMNS"
RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")


@dataclass
class Write:
    """What one write did: the range it covered and the cells it touched."""

    sheet: Sheet
    grid: Json
    cells: int = 0
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)

    def response(self, spreadsheet_id: str) -> Json:
        out: Json = {
            "spreadsheetId": spreadsheet_id,
            "updatedRange": format_range(self.sheet, self.grid),
        }
        if self.rows:
            out["updatedRows"] = len(self.rows)
        if self.columns:
            out["updatedColumns"] = len(self.columns)
        if self.cells:
            out["updatedCells"] = self.cells
        return out


def checked_grid(rng: ResolvedRange) -> Json:
    """The bounded range, or Google's 400 if it reaches past the grid."""
    error = exceeds_grid(rng.sheet, rng.grid)
    if error is not None:
        raise error
    return bounded(rng.sheet, rng.grid)


def read(
    renderer: Renderer,
    rng: ResolvedRange,
    major: str = ROWS,
    render: str = "FORMATTED_VALUE",
    dates: str = "SERIAL_NUMBER",
) -> Json:
    """The ``ValueRange`` of a range."""
    grid = checked_grid(rng)
    return read_grid(renderer, rng.sheet, grid, major, render, dates)


def read_grid(
    renderer: Renderer, sheet: Sheet, grid: Json, major: str, render: str, dates: str
) -> Json:
    r0, r1 = grid["startRowIndex"], grid["endRowIndex"]
    c0, c1 = grid["startColumnIndex"], grid["endColumnIndex"]
    data_rows, data_cols = renderer.extent(sheet)
    rows_end, cols_end = min(r1, data_rows), min(c1, data_cols)
    matrix: list[list[Any]] = []
    for r in range(r0, rows_end):
        width = min(cols_end, len(sheet.rows[r]))
        matrix.append([renderer.value_for(sheet, r, c, render, dates) for c in range(c0, width)])
    if major == COLUMNS:
        width = max((len(row) for row in matrix), default=0)
        matrix = [[row[c] if c < len(row) else "" for row in matrix] for c in range(width)]
    for line in matrix:
        while line and line[-1] == "":
            line.pop()
    while matrix and not matrix[-1]:
        matrix.pop()
    out: Json = {"range": format_range(sheet, grid), "majorDimension": major}
    if matrix:
        out["values"] = matrix
    return out


def matrix_of(values: Any, field_name: str) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        shown = values if isinstance(values, str) else str(values)
        message = (
            f"Invalid value at '{field_name}' (type.googleapis.com/google.protobuf.ListValue), "
            f'"{shown}"'
        )
        raise GoogleApiError(
            400,
            message,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field_name, "description": message}],
                }
            ],
        )
    return values


def write(
    spreadsheet: Spreadsheet,
    rng: ResolvedRange,
    values: Any,
    *,
    major: str = ROWS,
    option: str = user_entered.USER_ENTERED,
    user: str,
    owner: str,
    field_name: str = "data.values",
    anchored: bool = True,
) -> Write:
    """Write ``values`` into a range (see the module docstring for the rules)."""
    matrix = matrix_of(values, field_name)
    if major == COLUMNS:
        width = max((len(col) for col in matrix), default=0)
        matrix = [[col[r] if r < len(col) else None for col in matrix] for r in range(width)]
    sheet = rng.sheet
    grid = checked_grid(rng)
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    r0, c0 = grid["startRowIndex"], grid["startColumnIndex"]
    limit_rows, limit_cols = grid["endRowIndex"], grid["endColumnIndex"]
    if rng.is_single_cell and anchored:
        limit_rows, limit_cols = sheet.row_count, sheet.column_count
    shown = _shown_range(rng)
    if r0 + height > limit_rows:
        raise GoogleApiError(
            400,
            f"Requested writing within range [{shown}], "
            f"but tried writing to row [{limit_rows + 1}]",
        )
    if c0 + width > limit_cols:
        column = cells_label({"startColumnIndex": limit_cols, "endColumnIndex": limit_cols + 1})
        raise GoogleApiError(
            400,
            f"Requested writing within range [{shown}], "
            f"but tried writing to column [{column.split(':')[0]}]",
        )
    written = grid
    if matrix:
        written = {
            "sheetId": sheet.sheet_id,
            "startRowIndex": r0,
            "endRowIndex": r0 + height,
            "startColumnIndex": c0,
            "endColumnIndex": c0 + max(width, 1),
        }
    check_writable(spreadsheet, sheet, written, user, owner)
    locale = str(spreadsheet.properties.get("locale") or DEFAULT_LOCALE)
    result = Write(sheet, written)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value is None:
                continue
            try:
                set_value(sheet, r0 + i, c0 + j, value, option, locale=locale)
            except user_entered.InvalidValue as exc:
                raise GoogleApiError(
                    400, f"Invalid values[{i}][{j}]: {exc.kind} {_proto_text(value)}"
                ) from exc
            except user_entered.CellTooLong as exc:
                raise GoogleApiError(400, str(exc)) from exc
            result.cells += 1
            result.rows.add(r0 + i)
            result.columns.add(c0 + j)
    sheet.prune()
    return result


def _proto_text(value: Any, indent: int = 0) -> str:
    """A JSON value in protobuf text format, as Google quotes a bad cell value:
    ``list_value \t {\n  values {\n    number_value: 1.0\n  }\n}\n``."""
    pad = "  " * indent
    if isinstance(value, list):
        inner = "".join(
            f"{pad}  values {{\n{_proto_fields(v, indent + 2)}{pad}  }}\n" for v in value
        )
        return f"\t {{\n{inner}{pad}}}\n"
    if isinstance(value, dict):
        inner = "".join(
            f"{pad}  fields {{\n{pad}    key: {json.dumps(k)}\n{pad}    value {{\n"
            f"{_proto_fields(v, indent + 3)}{pad}    }}\n{pad}  }}\n"
            for k, v in value.items()
        )
        return f"\t {{\n{inner}{pad}}}\n"
    return str(value)


def _proto_fields(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, bool):
        return f"{pad}bool_value: {str(value).lower()}\n"
    if isinstance(value, int | float):
        return f"{pad}number_value: {float(value)!r}\n"
    if isinstance(value, str):
        return f"{pad}string_value: {json.dumps(value)}\n"
    if value is None:
        return f"{pad}null_value: NULL_VALUE\n"
    kind = "list_value" if isinstance(value, list) else "struct_value"
    return f"{pad}{kind} {_proto_text(value, indent).lstrip()}"


def _shown_range(rng: ResolvedRange) -> str:
    text = rng.text
    if "!" not in text and not text.startswith("'"):
        return f"{quote_sheet_name(rng.sheet.title)}!{text}"
    return text


def set_value(
    sheet: Sheet, row: int, col: int, value: Any, option: str, *, locale: str = DEFAULT_LOCALE
) -> None:
    """Enter one value into a cell as ``option`` (RAW or USER_ENTERED) reads it, a typed
    date in the order of the spreadsheet's ``locale``."""
    entered, implied = user_entered.parse_value(value, option, locale)
    cell = sheet.writable_cell(row, col)
    if entered is None:
        cell.pop("userEnteredValue", None)
        return
    cell["userEnteredValue"] = entered
    if implied is not None:
        fmt = cell.setdefault("userEnteredFormat", {})
        fmt.setdefault("numberFormat", implied)


def clear(spreadsheet: Spreadsheet, rng: ResolvedRange, *, user: str, owner: str) -> str:
    """Clear the values of a range (formats and notes stay); the range cleared."""
    grid = checked_grid(rng)
    clear_grid(spreadsheet, rng.sheet, grid, user=user, owner=owner)
    return format_range(rng.sheet, grid)


def clear_grid(
    spreadsheet: Spreadsheet, sheet: Sheet, grid: Json, *, user: str, owner: str
) -> None:
    check_writable(spreadsheet, sheet, grid, user, owner)
    for r in range(grid["startRowIndex"], min(grid["endRowIndex"], len(sheet.rows))):
        line = sheet.rows[r]
        for c in range(grid["startColumnIndex"], min(grid["endColumnIndex"], len(line))):
            cell = line[c]
            if cell:
                cell.pop("userEnteredValue", None)
    sheet.prune()
