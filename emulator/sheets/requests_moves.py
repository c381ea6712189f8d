"""batchUpdate requests that merge, sort and move cells.

``mergeCells`` (``MERGE_ALL``, ``MERGE_COLUMNS``, ``MERGE_ROWS``) keeps the value of
each merge's top-left cell and clears the others, as Google does; merges inside the
range are replaced, and a merge that sticks out of the range is refused ("You must
select all cells in a merged range to merge or unmerge them."). ``unmergeCells``
follows the same rule.

``sortRange`` reorders the cells of the range's rows (values, formats, notes and
validation move together), ordering numbers before text before booleans, text without
regard to case, empty cells always last, ties in request order. Decision: a sort
permutes cell data only; row properties (height, hidden) and row developer metadata
stay with the row index, because the API reference ties metadata to rows, not to
the data in them, and sorting moves data.

``copyPaste`` (tiling the source over a larger destination, ``TRANSPOSE``, and the
``PASTE_VALUES``/``PASTE_FORMAT``/``PASTE_NO_BORDERS``/``PASTE_FORMULA``/
``PASTE_DATA_VALIDATION`` kinds) and ``cutPaste``.
"""

from __future__ import annotations

import copy
from typing import Any

from emulator.sheets import geometry
from emulator.sheets.batch_update import RequestContext
from emulator.sheets.model import Cell, Json, Sheet
from emulator.sheets.render import Renderer

PARTIAL_MERGE = "You must select all cells in a merged range to merge or unmerge them."


def merge_cells(ctx: RequestContext, params: Json) -> None:
    sheet, grid = ctx.grid(params.get("range"))
    kind = params.get("mergeType") or "MERGE_ALL"
    ctx.check_writable(sheet, grid)
    _drop_merges_inside(ctx, sheet, grid)
    r0, r1 = grid["startRowIndex"], grid["endRowIndex"]
    c0, c1 = grid["startColumnIndex"], grid["endColumnIndex"]
    if kind == "MERGE_ALL":
        areas = [(r0, r1, c0, c1)]
    elif kind == "MERGE_COLUMNS":
        areas = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        areas = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    for a0, a1, b0, b1 in areas:
        if (a1 - a0) * (b1 - b0) < 2:
            continue
        sheet.merges.append(
            {
                "sheetId": sheet.sheet_id,
                "startRowIndex": a0,
                "endRowIndex": a1,
                "startColumnIndex": b0,
                "endColumnIndex": b1,
            }
        )
        for r in range(a0, a1):
            for c in range(b0, b1):
                cell = sheet.cell(r, c)
                if (r, c) != (a0, b0) and cell:
                    cell.pop("userEnteredValue", None)
    sheet.prune()


def unmerge_cells(ctx: RequestContext, params: Json) -> None:
    sheet, grid = ctx.grid(params.get("range"))
    ctx.check_writable(sheet, grid)
    _drop_merges_inside(ctx, sheet, grid)


def _drop_merges_inside(ctx: RequestContext, sheet: Sheet, grid: Json) -> None:
    rows, cols = sheet.row_count, sheet.column_count
    kept = []
    for merge in sheet.merges:
        if not geometry.intersects(merge, grid, rows, cols):
            kept.append(merge)
        elif geometry.contains(grid, merge, rows, cols):
            continue
        else:
            raise ctx.fail(PARTIAL_MERGE)
    sheet.merges = kept


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float | int):
        return (0, float(value))
    if isinstance(value, str):
        return (1, value.casefold())
    return (3, str(value))


def sort_range(ctx: RequestContext, params: Json) -> None:
    sheet, grid = ctx.grid(params.get("range"))
    ctx.check_writable(sheet, grid)
    r0, r1 = grid["startRowIndex"], grid["endRowIndex"]
    c0, c1 = grid["startColumnIndex"], grid["endColumnIndex"]
    specs = params.get("sortSpecs") or [{"dimensionIndex": c0}]
    renderer = Renderer(ctx.spreadsheet)
    rows = list(range(r0, r1))
    for spec in reversed(specs):
        column = int(spec.get("dimensionIndex", c0))
        if not c0 <= column < c1:
            raise ctx.fail(f"Sort column {column} is outside the range being sorted.")
        descending = spec.get("sortOrder") == "DESCENDING"
        values = {r: renderer.effective(sheet, r, column)[0] for r in rows}
        filled = [r for r in rows if values[r] not in (None, "")]
        empty = [r for r in rows if values[r] in (None, "")]
        filled.sort(key=lambda r: _sort_key(values[r]), reverse=descending)
        rows = filled + empty
    blocks = [[copy.deepcopy(sheet.cell(r, c)) for c in range(c0, c1)] for r in rows]
    for i, block in enumerate(blocks):
        for j, cell in enumerate(block):
            sheet.set_cell(r0 + i, c0 + j, cell)
    sheet.prune()


_PASTE_FIELDS = {
    "PASTE_NORMAL": None,
    "PASTE_VALUES": ("userEnteredValue",),
    "PASTE_FORMAT": ("userEnteredFormat",),
    "PASTE_NO_BORDERS": None,
    "PASTE_FORMULA": ("userEnteredValue",),
    "PASTE_DATA_VALIDATION": ("dataValidation",),
    "PASTE_CONDITIONAL_FORMATTING": (),
}


def _pasted(source: Cell | None, kind: str, target: Cell | None) -> Cell | None:
    fields = _PASTE_FIELDS.get(kind)
    if fields is None:
        out = copy.deepcopy(source) if source else None
        if kind == "PASTE_NO_BORDERS" and out and "userEnteredFormat" in out:
            out["userEnteredFormat"].pop("borders", None)
        return out
    out = copy.deepcopy(target) if target else {}
    for key in fields:
        if source and key in source:
            out[key] = copy.deepcopy(source[key])
        else:
            out.pop(key, None)
    return out


def copy_paste(ctx: RequestContext, params: Json) -> None:
    src_sheet, src = ctx.grid(params.get("source"))
    dst_sheet, dst = ctx.grid(params.get("destination"))
    kind = params.get("pasteType") or "PASTE_NORMAL"
    transpose = params.get("pasteOrientation") == "TRANSPOSE"
    block = [
        [
            copy.deepcopy(src_sheet.cell(r, c))
            for c in range(src["startColumnIndex"], src["endColumnIndex"])
        ]
        for r in range(src["startRowIndex"], src["endRowIndex"])
    ]
    if transpose:
        block = [list(col) for col in zip(*block, strict=True)] if block else block
    height, width = len(block), len(block[0]) if block else 0
    rows = (
        max(height, (dst["endRowIndex"] - dst["startRowIndex"]) // height * height) if height else 0
    )
    cols = (
        max(width, (dst["endColumnIndex"] - dst["startColumnIndex"]) // width * width)
        if width
        else 0
    )
    r0, c0 = dst["startRowIndex"], dst["startColumnIndex"]
    area = {
        "sheetId": dst_sheet.sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r0 + rows,
        "startColumnIndex": c0,
        "endColumnIndex": c0 + cols,
    }
    ctx.grid(area)
    ctx.check_writable(dst_sheet, area)
    for i in range(rows):
        for j in range(cols):
            source = block[i % height][j % width]
            dst_sheet.set_cell(
                r0 + i, c0 + j, _pasted(source, kind, dst_sheet.cell(r0 + i, c0 + j))
            )
    dst_sheet.prune()


def cut_paste(ctx: RequestContext, params: Json) -> None:
    src_sheet, src = ctx.grid(params.get("source"))
    target = params.get("destination") or {}
    dst_sheet = ctx.sheet(target.get("sheetId", 0))
    kind = params.get("pasteType") or "PASTE_NORMAL"
    r0, c0 = int(target.get("rowIndex", 0)), int(target.get("columnIndex", 0))
    height = src["endRowIndex"] - src["startRowIndex"]
    width = src["endColumnIndex"] - src["startColumnIndex"]
    area = {
        "sheetId": dst_sheet.sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r0 + height,
        "startColumnIndex": c0,
        "endColumnIndex": c0 + width,
    }
    ctx.grid(area)
    ctx.check_writable(src_sheet, src)
    ctx.check_writable(dst_sheet, area)
    block = [
        [
            copy.deepcopy(src_sheet.cell(r, c))
            for c in range(src["startColumnIndex"], src["endColumnIndex"])
        ]
        for r in range(src["startRowIndex"], src["endRowIndex"])
    ]
    for r in range(src["startRowIndex"], src["endRowIndex"]):
        for c in range(src["startColumnIndex"], src["endColumnIndex"]):
            src_sheet.set_cell(r, c, None)
    for i in range(height):
        for j in range(width):
            dst_sheet.set_cell(
                r0 + i, c0 + j, _pasted(block[i][j], kind, dst_sheet.cell(r0 + i, c0 + j))
            )
    src_sheet.prune()
    dst_sheet.prune()


HANDLERS = {
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "sortRange": sort_range,
    "copyPaste": copy_paste,
    "cutPaste": cut_paste,
}
