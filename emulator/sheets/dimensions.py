"""Inserting and deleting rows and columns, with everything anchored to them.

Cells, row/column properties and every range on the sheet move (see
``geometry.py``); row and column developer metadata move with their row or column and
are deleted with it, as Google documents; formulas keep pointing at the same cells
(``formula_refs.py``). Inserted rows or columns take the pixel size of their neighbour
(before or after, by ``inheritFromBefore``).
"""

from __future__ import annotations

from emulator.sheets import formula_refs, geometry
from emulator.sheets.model import Json, Sheet, Spreadsheet

_INHERITED = ("pixelSize",)


def insert(
    spreadsheet: Spreadsheet,
    sheet: Sheet,
    dimension: str,
    at: int,
    count: int,
    *,
    inherit_before: bool = False,
) -> None:
    props = sheet.row_props if dimension == geometry.ROWS else sheet.col_props
    source_index = at - 1 if inherit_before else at
    inherited: Json = {}
    if 0 <= source_index < len(props):
        inherited = {k: v for k, v in props[source_index].items() if k in _INHERITED}
    if dimension == geometry.ROWS:
        sheet.insert_rows(at, count, inherited)
    else:
        sheet.insert_columns(at, count, inherited)
    geometry.reanchor_sheet(spreadsheet, sheet, dimension, geometry.inserted(at, count))
    formula_refs.shift(spreadsheet, sheet, dimension, geometry.inserted(at, count))


def delete(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    if dimension == geometry.ROWS:
        sheet.delete_rows(start, end)
    else:
        sheet.delete_columns(start, end)
    geometry.reanchor_sheet(spreadsheet, sheet, dimension, geometry.deleted(start, end))
    formula_refs.shift(spreadsheet, sheet, dimension, geometry.deleted(start, end))
    sheet.merges = [m for m in sheet.merges if _area(m) > 1]


def resize(spreadsheet: Spreadsheet, sheet: Sheet, rows: int, columns: int) -> None:
    """Set the grid size, as ``gridProperties`` updates do: rows and columns are added
    at the end or removed from the end."""
    if rows < sheet.row_count:
        delete(spreadsheet, sheet, geometry.ROWS, rows, sheet.row_count)
    elif rows > sheet.row_count:
        insert(spreadsheet, sheet, geometry.ROWS, sheet.row_count, rows - sheet.row_count)
    if columns < sheet.column_count:
        delete(spreadsheet, sheet, geometry.COLUMNS, columns, sheet.column_count)
    elif columns > sheet.column_count:
        insert(
            spreadsheet, sheet, geometry.COLUMNS, sheet.column_count, columns - sheet.column_count
        )


def _area(grid: Json) -> int:
    rows = int(grid.get("endRowIndex", 0)) - int(grid.get("startRowIndex", 0))
    cols = int(grid.get("endColumnIndex", 0)) - int(grid.get("startColumnIndex", 0))
    return rows * cols
