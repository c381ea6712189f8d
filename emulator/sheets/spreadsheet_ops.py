"""Spreadsheet-level operations on the emulator state: create, get, batchUpdate.

Each takes ``state.lock`` for its whole read or mutation, checks the caller's role
(``reader`` to read, ``writer`` to change), and after a change calls
``state.changed(file, user)``. The Drive file's name and the spreadsheet title are
one thing: a title change updates the file's name, and a file renamed in Drive is
seen under its new name.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import GoogleApiError
from emulator.sheets import (
    a1,
    cell_update,
    data_filters,
    defaults,
    request_schema,
)
from emulator.sheets import (
    batch_update as batch,
)
from emulator.sheets.fields_mask import Mask
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.output import prune, sheet_properties_json
from emulator.sheets.requests_ranges import add_named_range
from emulator.sheets.resource import GOOGLE_SHEETS_URL, Reader, spreadsheet_json, wants_grid
from emulator.sheets.user_entered import CellTooLong
from emulator.state import (
    CONTENT,
    PROPERTIES,
    SPREADSHEET_MIME,
    DriveFile,
    EmulatorState,
    new_file_id,
)


def open_spreadsheet(
    state: EmulatorState, spreadsheet_id: str, user: str, need: str
) -> tuple[DriveFile, Spreadsheet]:
    """The file and its spreadsheet, if ``user`` holds ``need`` on it (call under the lock)."""
    file = state.authorize(spreadsheet_id, user, need)
    if file.mime_type != SPREADSHEET_MIME:
        raise GoogleApiError(
            400, "This operation is not supported for this document", status="FAILED_PRECONDITION"
        )
    if file.spreadsheet is None:
        file.spreadsheet = Spreadsheet.new(file.id, file.name)
    spreadsheet: Spreadsheet = file.spreadsheet
    if spreadsheet.title != file.name:
        spreadsheet.title = file.name
    return file, spreadsheet


def reader_for(file: DriveFile, user: str, base_url: str | None) -> Reader:
    role = file.role_of(user) or ""
    return Reader(
        user=user,
        owner=file.owner,
        writer=role in ("writer", "fileOrganizer", "organizer", "owner"),
        base_url=base_url or GOOGLE_SHEETS_URL,
    )


def create(state: EmulatorState, body: Json, user: str, base_url: str | None = None) -> Json:
    """``spreadsheets.create``: a new spreadsheet owned by ``user``, registered in Drive."""
    body = request_schema.check(body or {}, "Spreadsheet")
    spreadsheet = _from_body(body)
    file = DriveFile(
        id=spreadsheet.spreadsheet_id,
        name=spreadsheet.title,
        mime_type=SPREADSHEET_MIME,
        owner=user,
        spreadsheet=spreadsheet,
    )
    with state.lock:
        state.add_file(file)
        return spreadsheet_json(spreadsheet, reader_for(file, user, base_url))


def _from_body(body: Json) -> Spreadsheet:
    props = prune(body.get("properties") or {})
    spreadsheet = Spreadsheet.new(new_file_id(), props.get("title") or defaults.UNTITLED)
    for key, value in props.items():
        spreadsheet.properties[key] = value
    if body.get("sheets"):
        spreadsheet.sheets = []
        for i, requested in enumerate(body["sheets"]):
            spreadsheet.sheets.append(_sheet_from_body(spreadsheet, requested or {}, i))
        spreadsheet.reindex()
    for index, named in enumerate(body.get("namedRanges") or []):
        ctx = batch.RequestContext(spreadsheet, "", "", index, "addNamedRange")
        add_named_range(ctx, {"namedRange": named})
    return spreadsheet


def _sheet_from_body(spreadsheet: Spreadsheet, requested: Json, index: int) -> Sheet:
    props = prune(requested.get("properties") or {})
    sheet_id = (
        int(props["sheetId"])
        if "sheetId" in props
        else (0 if index == 0 else spreadsheet.new_sheet_id())
    )
    if spreadsheet.sheet_by_id(sheet_id) is not None:
        raise GoogleApiError(
            400, f"Invalid sheets[{index}]: A sheet with the id {sheet_id} already exists."
        )
    title = props.get("title") or f"Sheet{index + 1}"
    if spreadsheet.sheet_by_title(title) is not None:
        raise GoogleApiError(
            400,
            f'Invalid sheets[{index}]: A sheet with the name "{title}" already exists. '
            "Please enter another name.",
        )
    grid = props.get("gridProperties") or {}
    sheet = Sheet.new(
        sheet_id, title, index, int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26))
    )
    for key, value in props.items():
        if key not in ("sheetId", "title", "index", "gridProperties"):
            sheet.properties[key] = value
    for key, value in grid.items():
        if key not in ("rowCount", "columnCount"):
            sheet.grid[key] = value
    for data in requested.get("data") or []:
        _load_grid_data(sheet, data)
    return sheet


def _load_grid_data(sheet: Sheet, data: Json) -> None:
    r0, c0 = int(data.get("startRow", 0)), int(data.get("startColumn", 0))
    for i, row in enumerate(data.get("rowData") or []):
        for j, cell in enumerate(row.get("values") or []):
            try:
                part = cell_update.writable_part(cell)
            except (cell_update.ReadOnlyField, CellTooLong) as exc:
                raise GoogleApiError(400, str(exc)) from exc
            if part:
                sheet.set_cell(r0 + i, c0 + j, part)
    for i, props in enumerate(data.get("rowMetadata") or []):
        if r0 + i < sheet.row_count:
            sheet.row_props[r0 + i] = {
                k: v for k, v in props.items() if k in ("pixelSize", "hiddenByUser")
            }
    for j, props in enumerate(data.get("columnMetadata") or []):
        if c0 + j < sheet.column_count:
            sheet.col_props[c0 + j] = {
                k: v for k, v in props.items() if k in ("pixelSize", "hiddenByUser")
            }


def get(
    state: EmulatorState,
    spreadsheet_id: str,
    user: str,
    *,
    ranges: list[str] | None = None,
    include_grid_data: bool = False,
    mask: Mask | None = None,
    base_url: str | None = None,
) -> Json:
    """``spreadsheets.get``."""
    with state.lock:
        file, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        resolved = [a1.parse_range(spreadsheet, r) for r in ranges] if ranges else None
        for rng in resolved or []:
            error = a1.exceeds_grid(rng.sheet, rng.grid)
            if error is not None:
                raise error
        return spreadsheet_json(
            spreadsheet,
            reader_for(file, user, base_url),
            grid=wants_grid(mask, include_grid_data),
            ranges=resolved,
            mask=mask,
        )


def get_by_data_filter(
    state: EmulatorState,
    spreadsheet_id: str,
    body: Json,
    user: str,
    *,
    mask: Mask | None,
    base_url: str | None,
) -> Json:
    """``spreadsheets.getByDataFilter``."""
    body = request_schema.check(body or {}, "GetSpreadsheetByDataFilterRequest")
    with state.lock:
        file, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        ranges: list[a1.ResolvedRange] = []
        for data_filter in body.get("dataFilters") or []:
            ranges.extend(data_filters.filter_ranges(spreadsheet, data_filter))
        return spreadsheet_json(
            spreadsheet,
            reader_for(file, user, base_url),
            grid=wants_grid(mask, bool(body.get("includeGridData"))),
            ranges=ranges if body.get("dataFilters") else None,
            mask=mask,
        )


def batch_update(
    state: EmulatorState, spreadsheet_id: str, body: Json, user: str, *, base_url: str | None = None
) -> Json:
    """``spreadsheets.batchUpdate``: all requests or none (see ``batch_update.py``)."""
    if not isinstance(body, dict):
        raise GoogleApiError(400, "Invalid JSON payload received.")
    _check_top_level(body)
    with state.lock:
        file, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "writer")
        replies = spreadsheet.atomically(
            lambda working: batch.run(working, body, user=user, owner=file.owner)
        )
        what: tuple[str, ...] = (CONTENT,)
        if file.name != spreadsheet.title:
            file.name = spreadsheet.title
            what = (CONTENT, PROPERTIES)
        state.changed(file, user, what=what)
        out: Json = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            resolved = [a1.parse_range(spreadsheet, r) for r in body.get("responseRanges") or []]
            out["updatedSpreadsheet"] = spreadsheet_json(
                spreadsheet,
                reader_for(file, user, base_url),
                grid=bool(body.get("responseIncludeGridData")),
                ranges=resolved or None,
            )
        return out


def _check_top_level(body: Json) -> None:
    rest = {k: v for k, v in body.items() if k != "requests"}
    request_schema.check(rest, "BatchUpdateSpreadsheetRequest")


def apply_batch_update(
    state: EmulatorState, spreadsheet_id: str, body: dict[str, Any], user: str
) -> dict[str, Any]:
    """Apply a batchUpdate body as ``user`` (race hooks, live preview); Google's response."""
    return batch_update(state, spreadsheet_id, body, user)


def spreadsheet_resource(
    state: EmulatorState, spreadsheet_id: str, include_grid_data: bool = True
) -> dict[str, Any]:
    """The whole spreadsheet as ``spreadsheets.get`` returns it to its owner (for the preview)."""
    with state.lock:
        file = state.files.get(spreadsheet_id)
        if file is None:
            raise GoogleApiError(404, "Requested entity was not found.")
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, file.owner, "reader")
        return spreadsheet_json(
            spreadsheet, reader_for(file, file.owner, None), grid=include_grid_data
        )


def copy_sheet_to(
    state: EmulatorState, spreadsheet_id: str, sheet_id: int, body: Json, user: str
) -> Json:
    """``sheets.copyTo``: a copy of one sheet at the end of another spreadsheet."""
    body = request_schema.check(body or {}, "CopySheetToAnotherSpreadsheetRequest")
    target_id = body.get("destinationSpreadsheetId")
    if not target_id:
        raise GoogleApiError(400, "Invalid destinationSpreadsheetId: must be set.")
    with state.lock:
        _, source = open_spreadsheet(state, spreadsheet_id, user, "reader")
        sheet = source.sheet_by_id(sheet_id)
        if sheet is None:
            raise GoogleApiError(404, "Requested entity was not found.")
        target_file, target = open_spreadsheet(state, str(target_id), user, "writer")
        twin = Sheet.from_json(sheet.to_json())
        twin.protected_ranges = []
        twin.properties["sheetId"] = target.new_sheet_id()
        title, n = f"Copy of {sheet.title}", 2
        while target.sheet_by_title(title) is not None:
            title, n = f"Copy of {sheet.title} {n}", n + 1
        twin.properties["title"] = title
        for item in [
            *twin.merges,
            *[r for c in twin.conditional_formats for r in c.get("ranges", [])],
        ]:
            item["sheetId"] = twin.sheet_id
        if twin.basic_filter is not None:
            twin.basic_filter["range"]["sheetId"] = twin.sheet_id
        for group in twin.row_groups + twin.column_groups:
            group["range"]["sheetId"] = twin.sheet_id
        twin.filter_views, twin.banded_ranges = [], []
        target.sheets.append(twin)
        target.reindex()
        state.changed(target_file, user)
        return sheet_properties_json(twin.properties)
