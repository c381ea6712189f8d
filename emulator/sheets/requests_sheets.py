"""batchUpdate requests on the spreadsheet and its sheets.

``updateSpreadsheetProperties``, ``addSheet``, ``deleteSheet``,
``updateSheetProperties`` (title, hidden, grid size, frozen rows and columns, tab
colour, index) and ``duplicateSheet``.

Sheet names are unique without regard to case. A new sheet without a title is
``SheetN`` with the first free N. Moving a sheet counts indexes as they are before the
move (to put the first of three sheets second, its index is 2), as the API reference
says. ``tabColorStyle`` and the deprecated ``tabColor`` mirror each other for RGB
colours, as Google keeps them.
"""

from __future__ import annotations

import copy

from emulator.sheets import dimensions, fields_mask, formula_refs, protection
from emulator.sheets.batch_update import MISSING_FIELDS, RequestContext
from emulator.sheets.model import Json, Sheet
from emulator.sheets.output import prune, sheet_properties_json


def _require_fields(ctx: RequestContext, params: Json) -> str:
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    return str(fields)


def _name_taken(ctx: RequestContext, title: str, but: Sheet | None = None) -> None:
    other = ctx.spreadsheet.sheet_by_title(title)
    if other is not None and other is not but:
        raise ctx.fail(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


def update_spreadsheet_properties(ctx: RequestContext, params: Json) -> None:
    fields = _require_fields(ctx, params)
    props = copy.deepcopy(ctx.spreadsheet.properties)
    fields_mask.update(props, params.get("properties") or {}, fields)
    if not props.get("title"):
        raise ctx.fail("The spreadsheet title must not be empty.")
    ctx.spreadsheet.properties = prune(props)


def add_sheet(ctx: RequestContext, params: Json) -> Json:
    requested = prune(params.get("properties") or {})
    spreadsheet = ctx.spreadsheet
    if "sheetId" in requested:
        sheet_id = int(requested["sheetId"])
        if sheet_id < 0:
            raise ctx.fail("Sheet ID must be non-negative.")
        if spreadsheet.sheet_by_id(sheet_id) is not None:
            raise ctx.fail(f"A sheet with the id {sheet_id} already exists.")
    else:
        sheet_id = spreadsheet.new_sheet_id()
    title = requested.get("title") or _free_title(ctx)
    _name_taken(ctx, title)
    grid = requested.get("gridProperties", {})
    rows = int(grid.get("rowCount", 1000))
    cols = int(grid.get("columnCount", 26))
    if rows <= 0 or cols <= 0:
        raise ctx.fail("The grid must have at least one row and one column.")
    sheet = Sheet.new(sheet_id, title, 0, rows, cols)
    for key, value in grid.items():
        if key not in ("rowCount", "columnCount"):
            sheet.grid[key] = value
    for key in ("hidden", "rightToLeft", "tabColor", "tabColorStyle"):
        if key in requested:
            sheet.properties[key] = copy.deepcopy(requested[key])
    _mirror_tab_color(
        sheet.properties, "tabColorStyle" if "tabColorStyle" in requested else "tabColor"
    )
    index = int(requested.get("index", len(spreadsheet.sheets)))
    spreadsheet.sheets.insert(max(0, min(index, len(spreadsheet.sheets))), sheet)
    spreadsheet.reindex()
    if all(s.properties.get("hidden") for s in spreadsheet.sheets):
        raise ctx.fail("You can't hide all the sheets in a document.")
    return {"properties": sheet_properties_json(sheet.properties)}


def _free_title(ctx: RequestContext) -> str:
    n = len(ctx.spreadsheet.sheets) + 1
    while ctx.spreadsheet.sheet_by_title(f"Sheet{n}") is not None:
        n += 1
    return f"Sheet{n}"


def delete_sheet(ctx: RequestContext, params: Json) -> None:
    sheet = ctx.sheet(params.get("sheetId"))
    spreadsheet = ctx.spreadsheet
    ctx.check_writable(sheet, {"sheetId": sheet.sheet_id})
    if len(spreadsheet.sheets) == 1:
        raise ctx.fail("You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    if all(s.properties.get("hidden") for s in spreadsheet.sheets):
        raise ctx.fail("You can't remove all the visible sheets in a document.")
    spreadsheet.reindex()
    formula_refs.removed(spreadsheet, sheet.title)
    sheet_id = sheet.sheet_id
    spreadsheet.named_ranges = [
        n for n in spreadsheet.named_ranges if int(n["range"].get("sheetId", 0)) != sheet_id
    ]
    spreadsheet.developer_metadata = [
        m for m in spreadsheet.developer_metadata if not _on_sheet(m["location"], sheet_id)
    ]


def _on_sheet(location: Json, sheet_id: int) -> bool:
    if location.get("spreadsheet"):
        return False
    rng = location.get("dimensionRange")
    found = int(rng.get("sheetId", 0)) if rng is not None else int(location.get("sheetId", -1))
    return found == sheet_id


def update_sheet_properties(ctx: RequestContext, params: Json) -> None:
    fields = _require_fields(ctx, params)
    requested = params.get("properties") or {}
    sheet = ctx.sheet(requested.get("sheetId"))
    spreadsheet = ctx.spreadsheet
    _check_sheet_protection(ctx, sheet)
    old_index = spreadsheet.sheets.index(sheet)
    props = copy.deepcopy(sheet.properties)
    fields_mask.update(props, requested, fields)
    props = prune(props)
    props["sheetId"] = sheet.sheet_id
    props.setdefault("sheetType", "GRID")
    if not props.get("title"):
        raise ctx.fail("The sheet name must not be empty.")
    _name_taken(ctx, props["title"], sheet)
    mask = fields_mask.parse(fields) if fields.strip() != "*" else {"*": None}
    if "tabColorStyle" in mask or "*" in mask:
        _mirror_tab_color(props, "tabColorStyle")
    elif "tabColor" in mask:
        _mirror_tab_color(props, "tabColor")
    grid = props.setdefault("gridProperties", {})
    rows = int(grid.get("rowCount", sheet.row_count))
    cols = int(grid.get("columnCount", sheet.column_count))
    if rows <= 0 or cols <= 0:
        raise ctx.fail("The grid must have at least one row and one column.")
    if int(grid.get("frozenRowCount", 0)) >= rows:
        raise ctx.fail("You can't freeze all visible rows on the sheet.")
    if int(grid.get("frozenColumnCount", 0)) >= cols:
        raise ctx.fail("You can't freeze all visible columns on the sheet.")
    new_index = props.get("index", old_index)
    if props["title"] != sheet.title:
        formula_refs.rename(spreadsheet, sheet.title, props["title"])
    grid["rowCount"], grid["columnCount"] = sheet.row_count, sheet.column_count
    sheet.properties = props
    dimensions.resize(spreadsheet, sheet, rows, cols)
    if all(s.properties.get("hidden") for s in spreadsheet.sheets):
        raise ctx.fail("You can't hide all the sheets in a document.")
    if new_index != old_index:
        _move(ctx, sheet, int(new_index), old_index)
    spreadsheet.reindex()


def _move(ctx: RequestContext, sheet: Sheet, new_index: int, old_index: int) -> None:
    sheets = ctx.spreadsheet.sheets
    sheets.pop(old_index)
    target = new_index - 1 if new_index > old_index else new_index
    sheets.insert(max(0, min(target, len(sheets))), sheet)


def _check_sheet_protection(ctx: RequestContext, sheet: Sheet) -> None:
    """A protected sheet's properties are for its editors only."""
    for protected in sheet.protected_ranges:
        rng = protected.get("range", {})
        whole = not any(
            k in rng for k in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
        )
        if (
            whole
            and "range" in protected
            and not protection.can_edit(protected, ctx.user, ctx.owner)
        ):
            raise ctx.fail(protection.PROTECTED_MESSAGE)


def _mirror_tab_color(props: Json, source: str) -> None:
    style = props.get("tabColorStyle")
    if source == "tabColorStyle":
        rgb = (style or {}).get("rgbColor")
        if rgb is not None:
            props["tabColor"] = copy.deepcopy(rgb)
        elif not style:
            props.pop("tabColor", None)
            props.pop("tabColorStyle", None)
    else:
        color = props.get("tabColor")
        if color is None:
            props.pop("tabColorStyle", None)
        else:
            props["tabColorStyle"] = {"rgbColor": copy.deepcopy(color)}


def duplicate_sheet(ctx: RequestContext, params: Json) -> Json:
    spreadsheet = ctx.spreadsheet
    source = ctx.sheet(params.get("sourceSheetId"))
    if "newSheetId" in params:
        sheet_id = int(params["newSheetId"])
        if spreadsheet.sheet_by_id(sheet_id) is not None:
            raise ctx.fail(f"A sheet with the id {sheet_id} already exists.")
    else:
        sheet_id = spreadsheet.new_sheet_id()
    title = params.get("newSheetName") or f"Copy of {source.title}"
    _name_taken(ctx, title)
    twin = copy.deepcopy(source)
    twin.properties["sheetId"] = sheet_id
    twin.properties["title"] = title
    for owner in twin.merges, twin.filter_views, twin.banded_ranges:
        for item in owner:
            _retarget(item, sheet_id)
    for rule in twin.conditional_formats:
        for rng in rule.get("ranges", []):
            rng["sheetId"] = sheet_id
    for protected in twin.protected_ranges:
        protected["protectedRangeId"] = spreadsheet.new_protected_range_id()
        _retarget(protected, sheet_id)
    if twin.basic_filter is not None:
        _retarget(twin.basic_filter, sheet_id)
    for group in twin.row_groups + twin.column_groups:
        group["range"]["sheetId"] = sheet_id
    index = int(params.get("insertSheetIndex", spreadsheet.sheets.index(source) + 1))
    spreadsheet.sheets.insert(max(0, min(index, len(spreadsheet.sheets))), twin)
    spreadsheet.reindex()
    return {"properties": sheet_properties_json(twin.properties)}


def _retarget(item: Json, sheet_id: int) -> None:
    if "sheetId" in item and "range" not in item:
        item["sheetId"] = sheet_id
    if isinstance(item.get("range"), dict):
        item["range"]["sheetId"] = sheet_id
    for rng in item.get("unprotectedRanges", []):
        rng["sheetId"] = sheet_id


HANDLERS = {
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "duplicateSheet": duplicate_sheet,
}
