"""The ``Spreadsheet`` resource as ``spreadsheets.get`` answers it.

Without ``ranges`` every sheet is returned; with ``ranges`` only the sheets they are
on, each with one ``GridData`` per range when grid data is asked for (by
``includeGridData`` or by a field mask that selects ``sheets.data``). What a caller
sees of protected ranges depends on who they are (see ``protection.py``), so the
resource is built for one reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.sheets import fields_mask
from emulator.sheets.a1 import ResolvedRange, bounded
from emulator.sheets.fields_mask import json_copy
from emulator.sheets.grid_data import grid_data
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.output import (
    conditional_rule_json,
    grid_range_json,
    group_json,
    metadata_json,
    named_range_json,
    sheet_properties_json,
    with_ranges,
)
from emulator.sheets.protection import protected_range_json
from emulator.sheets.render import Renderer

GOOGLE_SHEETS_URL = "https://docs.google.com"


@dataclass(frozen=True)
class Reader:
    """Who reads a spreadsheet, and where its URL points."""

    user: str
    owner: str
    writer: bool = True
    base_url: str = GOOGLE_SHEETS_URL


def spreadsheet_url(base_url: str, spreadsheet_id: str) -> str:
    return f"{base_url.rstrip('/')}/spreadsheets/d/{spreadsheet_id}/edit"


def wants_grid(mask: fields_mask.Mask | None, include_grid_data: bool) -> bool:
    """Whether to return grid data: a field mask decides if there is one (``fields=sheets``
    and ``fields=*`` include it), else ``includeGridData``."""
    if mask is None:
        return include_grid_data
    if "*" in mask:
        return True
    if "sheets" not in mask:
        return False
    return fields_mask.selects(mask, "sheets", "data")


def spreadsheet_json(
    spreadsheet: Spreadsheet,
    reader: Reader,
    *,
    grid: bool = False,
    ranges: list[ResolvedRange] | None = None,
    mask: fields_mask.Mask | None = None,
) -> Json:
    """The resource for ``reader``. With ``mask`` (the request's field mask) the grid
    data is built already cut to it (``fields_mask.Cut``): apply that same mask to the
    result, or none."""
    renderer = Renderer(spreadsheet, cell_mask=_cell_mask(mask))
    data_mask = fields_mask.sub(mask, "sheets", "data")
    out: Json = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": json_copy(spreadsheet.properties),
    }
    sheets: list[Json] = []
    for sheet in spreadsheet.sheets:
        mine = None if ranges is None else [r for r in ranges if r.sheet is sheet]
        if mine is not None and not mine:
            continue
        sheets.append(
            sheet_json(
                spreadsheet, sheet, reader, renderer, grid, mine, data_mask, cut=mask is not None
            )
        )
    if sheets:
        out["sheets"] = sheets
    if spreadsheet.named_ranges:
        out["namedRanges"] = [named_range_json(n) for n in spreadsheet.named_ranges]
    out["spreadsheetUrl"] = spreadsheet_url(reader.base_url, spreadsheet.spreadsheet_id)
    own = [
        metadata_json(m) for m in spreadsheet.developer_metadata if m["location"].get("spreadsheet")
    ]
    if own:
        out["developerMetadata"] = own
    return out


def _cell_mask(mask: fields_mask.Mask | None) -> fields_mask.Mask | None:
    """The mask of the CellData kept under ``sheets.data.rowData.values`` (None: all
    of it; {}: none)."""
    node: fields_mask.Mask | None = mask
    for key in ("sheets", "data", "rowData", "values"):
        if node is None or "*" in node:
            return None
        if key not in node:
            return {}
        node = node[key]
    return node


def sheet_json(
    spreadsheet: Spreadsheet,
    sheet: Sheet,
    reader: Reader,
    renderer: Renderer,
    grid: bool,
    ranges: list[ResolvedRange] | None,
    data_mask: fields_mask.Mask | None = None,
    *,
    cut: bool = False,
) -> Json:
    """One sheet of the resource; its GridData (``grid``) built for ``data_mask`` (see
    :func:`~emulator.sheets.grid_data.grid_data`)."""
    out: Json = {"properties": sheet_properties_json(sheet.properties)}
    if grid:
        grids = [None] if ranges is None else [bounded(sheet, r.grid) for r in ranges]
        out["data"] = [grid_data(renderer, sheet, g, data_mask, cut=cut) for g in grids]
    if sheet.merges:
        out["merges"] = [grid_range_json(m) for m in sheet.merges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = [conditional_rule_json(r) for r in sheet.conditional_formats]
    if sheet.filter_views:
        out["filterViews"] = [with_ranges(v, "range") for v in sheet.filter_views]
    if sheet.protected_ranges:
        out["protectedRanges"] = [
            protected_range_json(spreadsheet, p, reader.user, reader.owner, reader.writer)
            for p in sheet.protected_ranges
        ]
    if sheet.basic_filter is not None:
        out["basicFilter"] = with_ranges(sheet.basic_filter, "range")
    if sheet.banded_ranges:
        out["bandedRanges"] = [with_ranges(b, "range") for b in sheet.banded_ranges]
    metadata = [
        metadata_json(m)
        for m in spreadsheet.developer_metadata
        if m["location"].get("locationType") == "SHEET"
        and int(m["location"].get("sheetId", -1)) == sheet.sheet_id
    ]
    if metadata:
        out["developerMetadata"] = metadata
    if sheet.row_groups:
        out["rowGroups"] = [group_json(g) for g in sheet.row_groups]
    if sheet.column_groups:
        out["columnGroups"] = [group_json(g) for g in sheet.column_groups]
    return out
