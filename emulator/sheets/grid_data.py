"""``GridData``: the cells of a range with their row and column properties.

As Google answers: ``startRow``/``startColumn`` only when not zero; ``rowData`` stops
after the last row that holds anything and each row's ``values`` after its last
non-empty cell (an empty row is ``{}``, an empty cell ``{}``); ``rowMetadata`` and
``columnMetadata`` cover every row and column of the range, each with its
``pixelSize`` and the developer metadata anchored on it.
"""

from __future__ import annotations

from emulator.sheets import defaults, fields_mask
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.output import metadata_json
from emulator.sheets.render import Renderer


def grid_data(
    renderer: Renderer,
    sheet: Sheet,
    grid: Json | None,
    mask: fields_mask.Mask | None = None,
    *,
    cut: bool = False,
) -> Json:
    """The GridData of ``grid`` (a bounded GridRange) or of the whole sheet (None).

    Only the fields ``mask`` (a mask of GridData; None: all) selects are built; the
    cells are cut by the renderer's ``cell_mask``, which must be this mask's
    ``rowData.values``. With ``cut`` the answer is a :class:`fields_mask.Cut`, which
    ``fields_mask.apply`` with the request's mask leaves as it is.
    """
    if grid is None:
        r0, r1, c0, c1 = 0, sheet.row_count, 0, sheet.column_count
    else:
        r0, r1 = int(grid["startRowIndex"]), int(grid["endRowIndex"])
        c0, c1 = int(grid["startColumnIndex"]), int(grid["endColumnIndex"])
    out: Json = fields_mask.Cut() if cut else {}
    if r0 and fields_mask.selects(mask, "startRow"):
        out["startRow"] = r0
    if c0 and fields_mask.selects(mask, "startColumn"):
        out["startColumn"] = c0
    if fields_mask.selects(mask, "rowData"):
        rows = _row_data(renderer, sheet, r0, r1, c0, c1)
        if rows:
            out["rowData"] = rows
    spreadsheet = renderer.spreadsheet
    for key, dimension, props, start, end in (
        ("rowMetadata", "ROWS", sheet.row_props, r0, r1),
        ("columnMetadata", "COLUMNS", sheet.col_props, c0, c1),
    ):
        if fields_mask.selects(mask, key):
            on = _metadata_by_index(spreadsheet, sheet.sheet_id, dimension, start, end)
            sub = fields_mask.sub(mask, key)
            out[key] = _dimensions(dimension, props, on, start, end, sub)
    return out


def _dimensions(
    dimension: str,
    props: list[Json],
    metadata: dict[int, list[Json]],
    start: int,
    end: int,
    mask: fields_mask.Mask | None,
) -> list[Json]:
    """The DimensionProperties of rows (or columns) ``start`` to ``end``, cut to
    ``mask``; the many with no properties and no metadata share one rendering."""
    plain: Json | None = None
    out: list[Json] = []
    for i in range(start, end):
        on = metadata.get(i)
        if props[i] or on:
            out.append(fields_mask.apply(_dimension(dimension, props[i], on or []), mask))
            continue
        if plain is None:
            plain = fields_mask.apply(_dimension(dimension, {}, []), mask)
        out.append(dict(plain))  # flat: pixelSize at most
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
            out[key] = fields_mask.json_copy(value)
    return out
