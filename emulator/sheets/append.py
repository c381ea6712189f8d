"""``values.append``: finding the table a range points at, and writing after it.

Google's rule, as the recordings show it: the cells with values form tables (groups
of non-empty cells that touch side by side or one above the other); among the tables
that reach into the input range, the one holding the range's last non-empty cell (in
reading order) is the table. It may reach outside the range (``Sheet1!A1`` finds the
whole table that starts at A1). Values go to the row after the table, from its first
column (a row ``x, "", y`` is two tables, so the next append starts under ``y``). With
no table the values go to the range's first cell.

``OVERWRITE`` writes over what is there and grows the grid when the values pass its
end; ``INSERT_ROWS`` first inserts rows for them.
"""

from __future__ import annotations

from typing import Any

from emulator.sheets import dimensions, geometry, values
from emulator.sheets.a1 import ResolvedRange, format_range
from emulator.sheets.model import Json, Sheet, Spreadsheet

INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")


def _filled(sheet: Sheet, row: int, col: int) -> bool:
    cell = sheet.cell(row, col)
    return bool(cell and cell.get("userEnteredValue"))


def find_table(sheet: Sheet, search: Json) -> Json | None:
    """The table (a bounded GridRange) the search range points at, or None."""
    data_rows, data_cols = sheet.data_extent()
    r0, r1 = search["startRowIndex"], min(search["endRowIndex"], data_rows)
    c0, c1 = search["startColumnIndex"], min(search["endColumnIndex"], data_cols)
    last: tuple[int, int] | None = None
    for r in range(r1 - 1, r0 - 1, -1):
        for c in range(c1 - 1, c0 - 1, -1):
            if _filled(sheet, r, c):
                last = (r, c)
                break
        if last is not None:
            break
    if last is None:
        return None
    seen = {last}
    todo = [last]
    while todo:
        r, c = todo.pop()
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if nr >= 0 and nc >= 0 and (nr, nc) not in seen and _filled(sheet, nr, nc):
                seen.add((nr, nc))
                todo.append((nr, nc))
    rows = [r for r, _ in seen]
    cols = [c for _, c in seen]
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": min(rows),
        "endRowIndex": max(rows) + 1,
        "startColumnIndex": min(cols),
        "endColumnIndex": max(cols) + 1,
    }


def append(
    spreadsheet: Spreadsheet,
    rng: ResolvedRange,
    data: Any,
    *,
    major: str,
    option: str,
    insert: str,
    user: str,
    owner: str,
) -> tuple[str | None, values.Write]:
    """(tableRange or None, the write) of an append."""
    sheet = rng.sheet
    search = values.checked_grid(rng)
    table = find_table(sheet, search)
    if table is None:
        row, col = search["startRowIndex"], search["startColumnIndex"]
    else:
        row, col = table["endRowIndex"], table["startColumnIndex"]
    matrix = values.matrix_of(data, "data.values")
    if major == values.COLUMNS:
        height = max((len(column) for column in matrix), default=0)
        width = len(matrix)
    else:
        height = len(matrix)
        width = max((len(line) for line in matrix), default=0)
    table_range = format_range(sheet, table) if table is not None else None
    if height == 0:
        cell = {"sheetId": sheet.sheet_id, "startRowIndex": row, "endRowIndex": row + 1}
        cell.update(startColumnIndex=col, endColumnIndex=col + 1)
        return table_range, values.Write(sheet, cell)
    if insert == "INSERT_ROWS":
        dimensions.insert(spreadsheet, sheet, geometry.ROWS, min(row, sheet.row_count), height)
    elif row + height > sheet.row_count:
        dimensions.insert(
            spreadsheet, sheet, geometry.ROWS, sheet.row_count, row + height - sheet.row_count
        )
    if col + width > sheet.column_count:
        extra = col + width - sheet.column_count
        dimensions.insert(spreadsheet, sheet, geometry.COLUMNS, sheet.column_count, extra)
    anchor = ResolvedRange(
        sheet,
        {
            "sheetId": sheet.sheet_id,
            "startRowIndex": row,
            "endRowIndex": row + height,
            "startColumnIndex": col,
            "endColumnIndex": col + max(width, 1),
        },
        rng.text,
    )
    written = values.write(
        spreadsheet, anchor, matrix, major=major, option=option, user=user, owner=owner
    )
    return table_range, written
