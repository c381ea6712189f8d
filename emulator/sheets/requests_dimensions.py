"""batchUpdate requests on rows and columns.

``insertDimension``, ``deleteDimension``, ``appendDimension``, ``moveDimension``,
``updateDimensionProperties`` (``pixelSize``, ``hiddenByUser``),
``autoResizeDimensions`` and the dimension groups (``addDimensionGroup``,
``deleteDimensionGroup``, ``updateDimensionGroup``).

Groups follow Google's model: every row (column) has a depth, the number of groups
over it; adding a group raises the depth over its range, deleting lowers it, and the
groups are the longest runs of rows at each depth.

Auto-resizing estimates text width from the characters (calibrated on Google's answer
for a row of capital letters at the default 10pt Arial); a column with no text keeps
its width. It is an approximation, not a font renderer.
"""

from __future__ import annotations

import copy

from emulator.sheets import dimensions, fields_mask, geometry
from emulator.sheets.batch_update import MISSING_FIELDS, RequestContext
from emulator.sheets.model import Json, Sheet
from emulator.sheets.output import group_json
from emulator.sheets.render import Renderer


def _dimension_range(
    ctx: RequestContext, rng: Json | None, *, open_end: bool = False
) -> tuple[Sheet, str, int, int]:
    rng = rng or {}
    sheet = ctx.sheet(rng.get("sheetId", 0))
    dimension = rng.get("dimension")
    if dimension not in (geometry.ROWS, geometry.COLUMNS):
        raise ctx.fail("A dimension range must specify a dimension of ROWS or COLUMNS.")
    size = sheet.row_count if dimension == geometry.ROWS else sheet.column_count
    start = int(rng.get("startIndex", 0))
    end = int(rng.get("endIndex", size)) if open_end or "endIndex" in rng else size
    if start < 0 or end < start:
        raise ctx.fail(f"Invalid dimension range: startIndex {start}, endIndex {end}.")
    return sheet, dimension, start, end


def _size(sheet: Sheet, dimension: str) -> int:
    return sheet.row_count if dimension == geometry.ROWS else sheet.column_count


def _whole_lines(sheet: Sheet, dimension: str, start: int, end: int) -> Json:
    keys = geometry.grid_keys(dimension)
    return {"sheetId": sheet.sheet_id, keys[0]: start, keys[1]: end}


def insert_dimension(ctx: RequestContext, params: Json) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, params.get("range"))
    if end <= start:
        raise ctx.fail("The range to insert must not be empty.")
    if start > _size(sheet, dimension):
        raise ctx.fail(f"Range ({start}, {end}) is past the end of the {dimension.lower()}.")
    before = bool(params.get("inheritFromBefore"))
    if before and start == 0:
        raise ctx.fail("inheritFromBefore cannot be true when inserting at the start.")
    dimensions.insert(ctx.spreadsheet, sheet, dimension, start, end - start, inherit_before=before)


def delete_dimension(ctx: RequestContext, params: Json) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, params.get("range"))
    size = _size(sheet, dimension)
    if end > size:
        label = "rows" if dimension == geometry.ROWS else "columns"
        raise ctx.fail(f"Cannot delete {label} past the end of the grid ({size} {label}).")
    if start == 0 and end >= size:
        what = "rows" if dimension == geometry.ROWS else "columns"
        raise ctx.fail(f"You can't delete all the {what} on the sheet.")
    if end > start:
        ctx.check_writable(sheet, _whole_lines(sheet, dimension, start, end))
        dimensions.delete(ctx.spreadsheet, sheet, dimension, start, end)


def append_dimension(ctx: RequestContext, params: Json) -> None:
    sheet = ctx.sheet(params.get("sheetId"))
    dimension = params.get("dimension")
    if dimension not in (geometry.ROWS, geometry.COLUMNS):
        raise ctx.fail("A dimension of ROWS or COLUMNS must be specified.")
    length = int(params.get("length", 0))
    if length <= 0:
        raise ctx.fail("length must be greater than 0.")
    dimensions.insert(ctx.spreadsheet, sheet, dimension, _size(sheet, dimension), length)


def move_dimension(ctx: RequestContext, params: Json) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, params.get("source"))
    dest = int(params.get("destinationIndex", 0))
    count = end - start
    size = _size(sheet, dimension)
    if end > size or dest > size or count <= 0:
        raise ctx.fail("Invalid source or destination for moveDimension.")
    if start <= dest <= end:
        return
    order = list(range(size))
    block = order[start:end]
    del order[start:end]
    at = dest if dest < start else dest - count
    order[at:at] = block
    new_index = {old: new for new, old in enumerate(order)}
    if dimension == geometry.ROWS:
        width = len(sheet.rows)
        sheet.rows = [sheet.rows[i] if i < width else [] for i in order]
        sheet.row_props = [sheet.row_props[i] for i in order]
    else:
        sheet.rows = [[line[i] if i < len(line) else None for i in order] for line in sheet.rows]
        sheet.col_props = [sheet.col_props[i] for i in order]
    sheet.prune()
    for meta in ctx.spreadsheet.developer_metadata:
        rng = meta["location"].get("dimensionRange")
        if rng and int(rng.get("sheetId", 0)) == sheet.sheet_id and rng["dimension"] == dimension:
            rng["startIndex"] = new_index[int(rng["startIndex"])]
            rng["endIndex"] = rng["startIndex"] + 1


def update_dimension_properties(ctx: RequestContext, params: Json) -> None:
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    sheet, dimension, start, end = _dimension_range(ctx, params.get("range"), open_end=True)
    if end > _size(sheet, dimension):
        raise ctx.fail(f"Range ({start}, {end}) is past the end of the {dimension.lower()}.")
    mask = fields_mask.parse(str(fields))
    source = {
        k: v
        for k, v in (params.get("properties") or {}).items()
        if k in ("pixelSize", "hiddenByUser")
    }
    if int(source.get("pixelSize", 1)) < 0:
        raise ctx.fail("pixelSize must be non-negative.")
    props = sheet.row_props if dimension == geometry.ROWS else sheet.col_props
    for i in range(start, end):
        target = props[i]
        fields_mask.update(target, source, mask)
        for key in [
            k
            for k, v in target.items()
            if v in (None, False) or k not in ("pixelSize", "hiddenByUser")
        ]:
            del target[key]


_WIDE = set("ABCDEFGHKNOPQRSTUVXYZMW@%&")


def _text_width(text: str) -> float:
    width = 0.0
    for ch in text:
        if ch in _WIDE:
            width += 8.48
        elif ch.isupper() or ch.isdigit():
            width += 7.2
        elif ch.islower():
            width += 6.4 if ch not in "iljft" else 3.4
        else:
            width += 3.6
    return width


def auto_resize_dimensions(ctx: RequestContext, params: Json) -> None:
    sheet, dimension, start, end = _dimension_range(ctx, params.get("dimensions"), open_end=True)
    renderer = Renderer(ctx.spreadsheet)
    data_rows, data_cols = sheet.data_extent()
    if dimension == geometry.COLUMNS:
        for c in range(start, min(end, sheet.column_count)):
            texts = [renderer.formatted(sheet, r, c) for r in range(data_rows)]
            widest = max(
                (max(_text_width(t) for t in text.split("\n")) for text in texts if text),
                default=0.0,
            )
            if widest:
                sheet.col_props[c]["pixelSize"] = round(widest + 7)
    else:
        for r in range(start, min(end, sheet.row_count)):
            lines = max(
                (renderer.formatted(sheet, r, c).count("\n") + 1 for c in range(data_cols)),
                default=1,
            )
            sheet.row_props[r]["pixelSize"] = 21 if lines <= 1 else 21 + 17 * (lines - 1)


def _groups(sheet: Sheet, dimension: str) -> list[Json]:
    return sheet.row_groups if dimension == geometry.ROWS else sheet.column_groups


def _depths(groups: list[Json], size: int) -> list[int]:
    depth = [0] * size
    for group in groups:
        for i in range(
            int(group["range"]["startIndex"]), min(int(group["range"]["endIndex"]), size)
        ):
            depth[i] = max(depth[i], int(group["depth"]))
    return depth


def _derive(sheet: Sheet, dimension: str, depth: list[int], old: list[Json]) -> list[Json]:
    collapsed = {
        (g["range"]["startIndex"], g["range"]["endIndex"], g["depth"])
        for g in old
        if g.get("collapsed")
    }
    groups: list[Json] = []
    for level in range(1, max(depth, default=0) + 1):
        i = 0
        while i < len(depth):
            if depth[i] >= level:
                j = i
                while j < len(depth) and depth[j] >= level:
                    j += 1
                group: Json = {
                    "range": {
                        "sheetId": sheet.sheet_id,
                        "dimension": dimension,
                        "startIndex": i,
                        "endIndex": j,
                    },
                    "depth": level,
                }
                if (i, j, level) in collapsed:
                    group["collapsed"] = True
                groups.append(group)
                i = j
            else:
                i += 1
    return groups


def _regroup(ctx: RequestContext, params: Json, step: int) -> Json:
    sheet, dimension, start, end = _dimension_range(ctx, params.get("range"))
    size = _size(sheet, dimension)
    if end > size or end <= start:
        raise ctx.fail(f"Invalid group range: {start} to {end}.")
    groups = _groups(sheet, dimension)
    depth = _depths(groups, size)
    if step < 0 and not any(depth[start:end]):
        raise ctx.fail("No group exists over the specified range.")
    for i in range(start, end):
        depth[i] = max(0, depth[i] + step)
    if step > 0 and max(depth[start:end]) > 8:
        raise ctx.fail("Groups can be nested at most 8 deep.")
    groups[:] = _derive(sheet, dimension, depth, groups)
    if step > 0:
        key = "rowGroupControlAfter" if dimension == geometry.ROWS else "columnGroupControlAfter"
        sheet.grid.setdefault(key, True)
    found = [group_json(g) for g in groups]
    return {"dimensionGroups": found} if found else {}


def add_dimension_group(ctx: RequestContext, params: Json) -> Json:
    return _regroup(ctx, params, +1)


def delete_dimension_group(ctx: RequestContext, params: Json) -> Json:
    return _regroup(ctx, params, -1)


def update_dimension_group(ctx: RequestContext, params: Json) -> None:
    wanted = params.get("dimensionGroup") or {}
    sheet, dimension, start, end = _dimension_range(ctx, wanted.get("range"))
    for group in _groups(sheet, dimension):
        rng = group["range"]
        if (rng["startIndex"], rng["endIndex"], group["depth"]) == (
            start,
            end,
            int(wanted.get("depth", 0)),
        ):
            source = copy.deepcopy(wanted)
            if params.get("fields") in ("*", "collapsed") or "collapsed" in str(
                params.get("fields", "")
            ):
                if source.get("collapsed"):
                    group["collapsed"] = True
                else:
                    group.pop("collapsed", None)
            return
    raise ctx.fail("No group exists with the specified range and depth.")


HANDLERS = {
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "moveDimension": move_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "updateDimensionGroup": update_dimension_group,
}
