"""batchUpdate requests that write cells.

``updateCells`` (``rows`` from ``start``, or into ``range`` where cells the rows do not
reach are cleared for the given fields), ``repeatCell``, ``appendCells`` (after the
last row with data, growing the grid), ``setDataValidation`` (the rule is stored on
every cell of the range, as Google stores it; no rule clears it; values that break a
rule are still written, the rule only marks them), ``updateBorders`` and
``findReplace``. Every one of them refuses to touch a protected range the caller
may not edit.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.sheets import cell_update, dimensions, geometry
from emulator.sheets.batch_update import MISSING_FIELDS, RequestContext
from emulator.sheets.model import Json, Sheet
from emulator.sheets.user_entered import CellTooLong


def _fields(ctx: RequestContext, params: Json) -> Any:
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    return cell_update.writable_mask(str(fields))


def _source(ctx: RequestContext, cell: Json | None) -> Json:
    try:
        return cell_update.writable_part(cell)
    except (cell_update.ReadOnlyField, CellTooLong) as exc:
        raise ctx.fail(str(exc)) from exc


def update_cells(ctx: RequestContext, params: Json) -> None:
    mask = _fields(ctx, params)
    rows = params.get("rows") or []
    if "range" in params and params["range"] is not None:
        sheet, grid = ctx.grid(params["range"])
        r0, c0 = grid["startRowIndex"], grid["startColumnIndex"]
        r1, c1 = grid["endRowIndex"], grid["endColumnIndex"]
        if len(rows) > r1 - r0:
            raise ctx.fail(
                f"Attempting to write row: {r0 + len(rows)}, "
                f"beyond the last requested row of: {r1 - 1}"
            )
        widest = max((len(r.get("values") or []) for r in rows), default=0)
        if widest > c1 - c0:
            raise ctx.fail(
                f"Attempting to write column: {c0 + widest}, "
                f"beyond the last requested column of: {c1 - 1}"
            )
        ctx.check_writable(sheet, grid)
        for r in range(r0, r1):
            values = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                cell = values[c - c0] if c - c0 < len(values) else None
                cell_update.update(sheet, r, c, _source(ctx, cell), mask)
    else:
        start = params.get("start")
        if start is None:
            raise ctx.fail("Either a start or a range must be specified.")
        sheet = ctx.sheet(start.get("sheetId", 0))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        widest = max((len(r.get("values") or []) for r in rows), default=0)
        area = _area(sheet, r0, r0 + max(len(rows), 1), c0, c0 + max(widest, 1))
        ctx.grid(area)
        ctx.check_writable(sheet, area)
        for i, row in enumerate(rows):
            for j, cell in enumerate(row.get("values") or []):
                cell_update.update(sheet, r0 + i, c0 + j, _source(ctx, cell), mask)
    sheet.prune()


def _area(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> Json:
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def repeat_cell(ctx: RequestContext, params: Json) -> None:
    mask = _fields(ctx, params)
    sheet, grid = ctx.grid(params.get("range"))
    ctx.check_writable(sheet, grid)
    source = _source(ctx, params.get("cell"))
    for r in range(grid["startRowIndex"], grid["endRowIndex"]):
        for c in range(grid["startColumnIndex"], grid["endColumnIndex"]):
            cell_update.update(sheet, r, c, source, mask)
    sheet.prune()


def append_cells(ctx: RequestContext, params: Json) -> None:
    mask = _fields(ctx, params)
    sheet = ctx.sheet(params.get("sheetId"))
    rows = params.get("rows") or []
    start, _ = sheet.data_extent()
    widest = max((len(r.get("values") or []) for r in rows), default=0)
    if start + len(rows) > sheet.row_count:
        extra = start + len(rows) - sheet.row_count
        dimensions.insert(ctx.spreadsheet, sheet, geometry.ROWS, sheet.row_count, extra)
    if widest > sheet.column_count:
        extra = widest - sheet.column_count
        dimensions.insert(ctx.spreadsheet, sheet, geometry.COLUMNS, sheet.column_count, extra)
    ctx.check_writable(sheet, _area(sheet, start, start + max(len(rows), 1), 0, max(widest, 1)))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.get("values") or []):
            cell_update.update(sheet, start + i, j, _source(ctx, cell), mask)
    sheet.prune()


def set_data_validation(ctx: RequestContext, params: Json) -> None:
    sheet, grid = ctx.grid(params.get("range"))
    rule = params.get("rule")
    if rule is not None:
        condition = rule.get("condition") or {}
        if not condition.get("type"):
            raise ctx.fail("A data validation rule must have a condition type.")
        if condition["type"] in ("ONE_OF_LIST", "ONE_OF_RANGE") and not condition.get("values"):
            raise ctx.fail(f"{condition['type']} condition requires at least one value.")
        rule = {k: v for k, v in rule.items() if v not in (None, False)}
    ctx.check_writable(sheet, grid)
    for r in range(grid["startRowIndex"], grid["endRowIndex"]):
        for c in range(grid["startColumnIndex"], grid["endColumnIndex"]):
            cell = sheet.writable_cell(r, c)
            if rule is None:
                cell.pop("dataValidation", None)
            else:
                cell["dataValidation"] = rule
    sheet.prune()


def update_borders(ctx: RequestContext, params: Json) -> None:
    sheet, grid = ctx.grid(params.get("range"))
    ctx.check_writable(sheet, grid)
    r0, r1 = grid["startRowIndex"], grid["endRowIndex"]
    c0, c1 = grid["startColumnIndex"], grid["endColumnIndex"]
    for r in range(r0, r1):
        for c in range(c0, c1):
            sides = {
                "top": params.get("top") if r == r0 else params.get("innerHorizontal"),
                "bottom": params.get("bottom") if r == r1 - 1 else params.get("innerHorizontal"),
                "left": params.get("left") if c == c0 else params.get("innerVertical"),
                "right": params.get("right") if c == c1 - 1 else params.get("innerVertical"),
            }
            chosen = {k: v for k, v in sides.items() if v is not None}
            if not chosen:
                continue
            borders = (
                sheet.writable_cell(r, c)
                .setdefault("userEnteredFormat", {})
                .setdefault("borders", {})
            )
            for side, border in chosen.items():
                if border.get("style") == "NONE":
                    borders.pop(side, None)
                else:
                    borders[side] = border
    sheet.prune()


def find_replace(ctx: RequestContext, params: Json) -> Json:
    find = params.get("find")
    if not find:
        raise ctx.fail("The find string must not be empty.")
    replacement = str(params.get("replacement") or "")
    flags = 0 if params.get("matchCase") else re.IGNORECASE
    pattern = str(find) if params.get("searchByRegex") else re.escape(str(find))
    if params.get("matchEntireCell"):
        pattern = f"^(?:{pattern})$"
    try:
        regex = re.compile(pattern, flags)
    except re.error as exc:
        raise ctx.fail(f"Invalid regular expression: {find}") from exc
    targets = _find_targets(ctx, params)
    counts = {
        "valuesChanged": 0,
        "formulasChanged": 0,
        "rowsChanged": 0,
        "sheetsChanged": 0,
        "occurrencesChanged": 0,
    }
    for sheet, grid in targets:
        rows_changed: set[int] = set()
        for r in range(grid["startRowIndex"], min(grid["endRowIndex"], len(sheet.rows))):
            for c in range(
                grid["startColumnIndex"], min(grid["endColumnIndex"], len(sheet.rows[r]))
            ):
                changed = _replace_in(
                    sheet, r, c, regex, replacement, bool(params.get("includeFormulas"))
                )
                if changed:
                    ctx.check_writable(sheet, _area(sheet, r, r + 1, c, c + 1))
                    kind, occurrences = changed
                    counts[kind] += 1
                    counts["occurrencesChanged"] += occurrences
                    rows_changed.add(r)
        if rows_changed:
            counts["rowsChanged"] += len(rows_changed)
            counts["sheetsChanged"] += 1
    return {k: v for k, v in counts.items() if v}


def _find_targets(ctx: RequestContext, params: Json) -> list[tuple[Sheet, Json]]:
    if params.get("range"):
        return [ctx.grid(params["range"])]
    if "sheetId" in params:
        return [ctx.grid({"sheetId": params["sheetId"]})]
    if params.get("allSheets"):
        return [ctx.grid({"sheetId": s.sheet_id}) for s in ctx.spreadsheet.sheets]
    raise ctx.fail("One of range, sheetId or allSheets must be set.")


def _replace_in(
    sheet: Sheet, r: int, c: int, regex: re.Pattern[str], replacement: str, formulas: bool
) -> tuple[str, int] | None:
    cell = sheet.cell(r, c)
    entered = (cell or {}).get("userEnteredValue") or {}
    key = (
        "stringValue"
        if "stringValue" in entered
        else ("formulaValue" if formulas and "formulaValue" in entered else None)
    )
    if key is None:
        return None
    new, count = regex.subn(lambda _m: replacement, str(entered[key]))
    if not count:
        return None
    entered[key] = new
    return ("valuesChanged" if key == "stringValue" else "formulasChanged"), count


HANDLERS = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "appendCells": append_cells,
    "setDataValidation": set_data_validation,
    "updateBorders": update_borders,
    "findReplace": find_replace,
}
