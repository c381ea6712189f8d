"""``DataFilter``: the ranges a filter selects, for the ``...ByDataFilter`` methods.

``a1Range`` and ``gridRange`` select that range; ``developerMetadataLookup`` selects
the rows, columns or sheets of every metadata entry it matches (a row's metadata
selects the whole row). Spreadsheet-level metadata selects no range.
"""

from __future__ import annotations

from emulator.errors import GoogleApiError
from emulator.sheets import a1, developer_metadata
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.values import checked_grid


def filter_ranges(spreadsheet: Spreadsheet, data_filter: Json) -> list[a1.ResolvedRange]:
    """The ranges a DataFilter selects (bounded to their sheets)."""
    if not isinstance(data_filter, dict) or not data_filter:
        raise GoogleApiError(400, "Invalid dataFilter: a data filter must be set.")
    if "a1Range" in data_filter:
        rng = a1.parse_range(spreadsheet, str(data_filter["a1Range"]))
        return [_bounded(rng)]
    if "gridRange" in data_filter:
        grid = dict(data_filter["gridRange"])
        sheet_id = int(grid.get("sheetId", 0))
        sheet = spreadsheet.sheet_by_id(sheet_id)
        if sheet is None:
            raise GoogleApiError(400, f"No grid with id: {sheet_id}")
        grid["sheetId"] = sheet_id
        return [_bounded(a1.ResolvedRange(sheet, grid, a1.cells_label(grid)))]
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is None:
        raise GoogleApiError(400, "Invalid dataFilter: a data filter must be set.")
    out: list[a1.ResolvedRange] = []
    for meta in spreadsheet.developer_metadata:
        if not developer_metadata.lookup_matches(meta, lookup):
            continue
        selected = _location_range(spreadsheet, meta["location"])
        if selected is not None:
            out.append(selected)
    return out


def _bounded(rng: a1.ResolvedRange) -> a1.ResolvedRange:
    return a1.ResolvedRange(rng.sheet, checked_grid(rng), rng.text)


def _location_range(spreadsheet: Spreadsheet, location: Json) -> a1.ResolvedRange | None:
    if location.get("spreadsheet"):
        return None
    rng = location.get("dimensionRange")
    sheet_id = int(rng.get("sheetId", 0)) if rng is not None else int(location.get("sheetId", 0))
    sheet: Sheet | None = spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        return None
    grid: Json = {"sheetId": sheet_id}
    if rng is not None:
        keys = (
            ("startRowIndex", "endRowIndex")
            if rng.get("dimension") == "ROWS"
            else ("startColumnIndex", "endColumnIndex")
        )
        grid[keys[0]] = int(rng["startIndex"])
        grid[keys[1]] = int(rng["endIndex"])
    bounded = a1.bounded(sheet, grid)
    return a1.ResolvedRange(sheet, bounded, a1.format_range(sheet, bounded))
