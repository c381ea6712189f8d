"""``GridData``: the cells of a range with their row and column properties.

As Google answers: ``startRow``/``startColumn`` only when not zero; ``rowData`` stops
after the last row that holds anything and each row's ``values`` after its last
non-empty cell (an empty row is ``{}``, an empty cell ``{}``); ``rowMetadata`` and
``columnMetadata`` cover every row and column of the range, each with its
``pixelSize`` and the developer metadata anchored on it.
"""

from __future__ import annotations

import copy

from emulator.sheets import defaults
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.output import metadata_json
from emulator.sheets.render import Renderer


def grid_data(renderer: Renderer, sheet: Sheet, grid: Json | None, *, cells: bool = True) -> Json:
    """The GridData of ``grid`` (a bounded GridRange) or of the whole sheet (None)."""
    if grid is None:
        r0, r1, c0, c1 = 0, sheet.row_count, 0, sheet.column_count
    else:
        r0, r1 = int(grid["startRowIndex"]), int(grid["endRowIndex"])
        c0, c1 = int(grid["startColumnIndex"]), int(grid["endColumnIndex"])
    out: Json = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if cells:
        rows = _row_data(renderer, sheet, r0, r1, c0, c1)
        if rows:
            out["rowData"] = rows
    spreadsheet = renderer.spreadsheet
    on_rows = _metadata_by_index(spreadsheet, sheet.sheet_id, "ROWS", r0, r1)
    on_columns = _metadata_by_index(spreadsheet, sheet.sheet_id, "COLUMNS", c0, c1)
    out["rowMetadata"] = [
        _dimension("ROWS", sheet.row_props[i], on_rows.get(i, [])) for i in range(r0, r1)
    ]
    out["columnMetadata"] = [
        _dimension("COLUMNS", sheet.col_props[i], on_columns.get(i, [])) for i in range(c0, c1)
    ]
    return out


def _metadata_by_index(
    spreadsheet: Spreadsheet, sheet_id: int, dimension: str, start: int, end: int
) -> dict[int, list[Json]]:
    """The developer metadata anchored on each row (or column) from ``start`` to ``end``,
    in one pass over the spreadsheet's metadata."""
    found: dict[int, list[Json]] = {}
    for meta in spreadsheet.developer_metadata:
        rng = meta.get("location", {}).get("dimensionRange")
        if rng is None or int(rng.get("sheetId", 0)) != sheet_id:
            continue
        if rng.get("dimension") != dimension:
            continue
        first = max(start, int(rng.get("startIndex", 0)))
        last = min(end, int(rng.get("endIndex", 0)))
        for index in range(first, last):
            found.setdefault(index, []).append(metadata_json(meta))
    return found


def _row_data(renderer: Renderer, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> list[Json]:
    data_rows, _ = renderer.extent(sheet)
    rows: list[Json] = []
    for r in range(r0, min(r1, data_rows)):
        values = [renderer.cell_data(sheet, r, c) for c in range(c0, min(c1, len(sheet.rows[r])))]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _dimension(dimension: str, props: Json, metadata: list[Json]) -> Json:
    default = defaults.DEFAULT_ROW_HEIGHT if dimension == "ROWS" else defaults.DEFAULT_COLUMN_WIDTH
    out: Json = {}
    if props.get("hiddenByFilter"):
        out["hiddenByFilter"] = True
    if props.get("hiddenByUser"):
        out["hiddenByUser"] = True
    out["pixelSize"] = int(props.get("pixelSize", default))
    if metadata:
        out["developerMetadata"] = metadata
    for key, value in props.items():
        if key not in out and key not in ("hiddenByUser", "hiddenByFilter", "pixelSize"):
            out[key] = copy.deepcopy(value)
    return out
