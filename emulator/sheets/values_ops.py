"""The ``values`` methods on the emulator state (get, update, append, clear, batch and
by-data-filter forms).

Every write runs inside ``Spreadsheet.atomically``: when any part fails, the
spreadsheet is put back as it was, so a failing range in a batch leaves nothing
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.errors import GoogleApiError
from emulator.sheets import a1, append, data_filters, request_schema, values
from emulator.sheets.model import Json, Spreadsheet
from emulator.sheets.render import Renderer
from emulator.sheets.spreadsheet_ops import open_spreadsheet
from emulator.state import EmulatorState


@dataclass(frozen=True)
class Rendering:
    """How values are read back (``valueRenderOption`` and friends)."""

    major: str = values.ROWS
    render: str = "FORMATTED_VALUE"
    dates: str = "SERIAL_NUMBER"


@dataclass(frozen=True)
class WriteOptions:
    """How values are written and what the response includes."""

    option: str = "USER_ENTERED"
    include_values: bool = False
    response: Rendering = Rendering()


def get(
    state: EmulatorState, spreadsheet_id: str, range_text: str, user: str, how: Rendering
) -> Json:
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        rng = a1.parse_range(spreadsheet, range_text)
        return values.read(Renderer(spreadsheet), rng, how.major, how.render, how.dates)


def batch_get(
    state: EmulatorState, spreadsheet_id: str, ranges: list[str], user: str, how: Rendering
) -> Json:
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        renderer = Renderer(spreadsheet)
        found = [
            values.read(
                renderer, a1.parse_range(spreadsheet, text), how.major, how.render, how.dates
            )
            for text in ranges
        ]
        out: Json = {"spreadsheetId": spreadsheet.spreadsheet_id}
        if found:
            out["valueRanges"] = found
        return out


def _mutate(state: EmulatorState, spreadsheet_id: str, user: str, change: Any) -> Any:
    """Run ``change(spreadsheet, owner)`` atomically and record the change."""
    with state.lock:
        file, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "writer")
        result = spreadsheet.atomically(lambda working: change(working, file.owner))
        state.changed(file, user)
        return result


def _same_range(ss: Spreadsheet, rng: a1.ResolvedRange, text: str, body_range: Any) -> None:
    """A body that names a range must name the request's range, as Google checks."""
    if not body_range:
        return
    other = a1.parse_range(ss, str(body_range))
    if other.sheet is not rng.sheet or a1.bounded(other.sheet, other.grid) != a1.bounded(
        rng.sheet, rng.grid
    ):
        raise GoogleApiError(
            400, f"Request range[{text}] does not match value's range[{body_range}]"
        )


def _updated_data(
    spreadsheet: Spreadsheet,
    write: values.Write,
    how: Rendering,
    requested: a1.ResolvedRange | None = None,
) -> Json:
    """The values after a write: of the requested range when it was larger than what was
    written (trailing empties trimmed), as the API reference says; else of the write."""
    grid = write.grid
    if requested is not None and not requested.is_single_cell:
        grid = a1.bounded(requested.sheet, requested.grid)
    return values.read_grid(
        Renderer(spreadsheet), write.sheet, grid, how.major, how.render, how.dates
    )


def update(
    state: EmulatorState,
    spreadsheet_id: str,
    range_text: str,
    body: Json,
    user: str,
    opts: WriteOptions,
) -> Json:
    body = request_schema.check(body or {}, "ValueRange", "data")

    def change(ss: Spreadsheet, owner: str) -> Json:
        rng = a1.parse_range(ss, range_text)
        _same_range(ss, rng, range_text, body.get("range"))
        write = values.write(
            ss,
            rng,
            body.get("values"),
            major=body.get("majorDimension") or values.ROWS,
            option=opts.option,
            user=user,
            owner=owner,
        )
        out = write.response(ss.spreadsheet_id)
        if opts.include_values:
            out["updatedData"] = _updated_data(ss, write, opts.response, rng)
        return out

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


def apply_values_update(
    state: EmulatorState,
    spreadsheet_id: str,
    a1_range: str,
    values: list[list[Any]],
    value_input_option: str,
    user: str,
) -> dict[str, Any]:
    """Write values as ``user`` (race hooks, live preview); Google's UpdateValuesResponse."""
    rows = values  # the parameter shadows the values module here
    return update(
        state,
        spreadsheet_id,
        a1_range,
        {"values": rows},
        user,
        WriteOptions(option=value_input_option),
    )


def append_values(
    state: EmulatorState,
    spreadsheet_id: str,
    range_text: str,
    body: Json,
    user: str,
    opts: WriteOptions,
    insert: str,
) -> Json:
    body = request_schema.check(body or {}, "ValueRange", "data")

    def change(ss: Spreadsheet, owner: str) -> Json:
        rng = a1.parse_range(ss, range_text)
        _same_range(ss, rng, range_text, body.get("range"))
        table, write = append.append(
            ss,
            rng,
            body.get("values"),
            major=body.get("majorDimension") or values.ROWS,
            option=opts.option,
            insert=insert,
            user=user,
            owner=owner,
        )
        updates = write.response(ss.spreadsheet_id)
        if opts.include_values:
            updates["updatedData"] = _updated_data(ss, write, opts.response)
        out: Json = {"spreadsheetId": ss.spreadsheet_id}
        if table is not None:
            out["tableRange"] = table
        out["updates"] = updates
        return out

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


def clear(state: EmulatorState, spreadsheet_id: str, range_text: str, user: str) -> Json:
    def change(ss: Spreadsheet, owner: str) -> Json:
        cleared = values.clear(ss, a1.parse_range(ss, range_text), user=user, owner=owner)
        return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": cleared}

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


def batch_clear(state: EmulatorState, spreadsheet_id: str, body: Json, user: str) -> Json:
    body = request_schema.check(body or {}, "BatchClearValuesRequest")

    def change(ss: Spreadsheet, owner: str) -> Json:
        cleared = [
            values.clear(ss, a1.parse_range(ss, r), user=user, owner=owner)
            for r in body.get("ranges") or []
        ]
        out: Json = {"spreadsheetId": ss.spreadsheet_id}
        if cleared:
            out["clearedRanges"] = cleared
        return out

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


def _totals(ss: Spreadsheet, writes: list[values.Write], responses: list[Json]) -> Json:
    """A batch's ``total*`` counts. Rows and columns are counted once each however many
    ranges of the batch touched them: Google answered rows A1:D1 and A4:D4 with 2 rows
    and 4 columns, not 8 (gspread's recorded ``WorksheetTest.test_batch_update``), as
    its reference says ("the number of columns where at least one cell in the column
    was updated"). A row or column is one of a sheet; cells are summed per range."""
    out: Json = {"spreadsheetId": ss.spreadsheet_id}
    rows = {(w.sheet.sheet_id, row) for w in writes for row in w.rows}
    columns = {(w.sheet.sheet_id, column) for w in writes for column in w.columns}
    totals = {
        "totalUpdatedRows": len(rows),
        "totalUpdatedColumns": len(columns),
        "totalUpdatedCells": sum(w.cells for w in writes),
        "totalUpdatedSheets": len({w.sheet.sheet_id for w in writes if w.cells}),
    }
    out.update({k: v for k, v in totals.items() if v})
    if responses:
        out["responses"] = responses
    return out


def _write_options(body: Json) -> WriteOptions:
    option = body.get("valueInputOption")
    if not option or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise GoogleApiError(400, "'valueInputOption' is required but not specified")
    return WriteOptions(
        option=option,
        include_values=bool(body.get("includeValuesInResponse")),
        response=Rendering(
            render=body.get("responseValueRenderOption") or "FORMATTED_VALUE",
            dates=body.get("responseDateTimeRenderOption") or "SERIAL_NUMBER",
        ),
    )


def batch_update(state: EmulatorState, spreadsheet_id: str, body: Json, user: str) -> Json:
    body = request_schema.check(body or {}, "BatchUpdateValuesRequest")
    opts = _write_options(body)

    def change(ss: Spreadsheet, owner: str) -> Json:
        targets = [
            _Target(i, item, a1.parse_range(ss, str(item.get("range") or "")))
            for i, item in enumerate(body.get("data") or [])
        ]
        return _write_targets(ss, owner, user, opts, targets)

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


@dataclass(frozen=True)
class _Target:
    """One range a values batch update writes: its item, where, and how it is named."""

    index: int
    item: Json
    rng: a1.ResolvedRange
    data_filter: Json | None = None  # set when a data filter found the range


def _write_targets(
    ss: Spreadsheet, owner: str, user: str, opts: WriteOptions, targets: list[_Target]
) -> Json:
    """Write every target's values; the per-range responses and the totals."""
    writes, responses = [], []
    for target in targets:
        write = values.write(
            ss,
            target.rng,
            target.item.get("values"),
            major=target.item.get("majorDimension") or values.ROWS,
            option=opts.option,
            user=user,
            owner=owner,
            field_name=f"data[{target.index}].values",
            anchored=target.data_filter is None,
        )
        response = write.response(ss.spreadsheet_id)
        if target.data_filter is not None:
            response.pop("spreadsheetId")
            response["dataFilter"] = target.data_filter
        writes.append(write)
        responses.append(response)
    if opts.include_values:
        for write, response, target in zip(writes, responses, targets, strict=True):
            response["updatedData"] = _updated_data(ss, write, opts.response, target.rng)
    return _totals(ss, writes, responses)


def batch_get_by_data_filter(
    state: EmulatorState, spreadsheet_id: str, body: Json, user: str
) -> Json:
    body = request_schema.check(body or {}, "BatchGetValuesByDataFilterRequest")
    how = Rendering(
        major=body.get("majorDimension") or values.ROWS,
        render=body.get("valueRenderOption") or "FORMATTED_VALUE",
        dates=body.get("dateTimeRenderOption") or "SERIAL_NUMBER",
    )
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        renderer = Renderer(spreadsheet)
        matched: list[Json] = []
        for data_filter in body.get("dataFilters") or []:
            for rng in data_filters.filter_ranges(spreadsheet, data_filter):
                value_range = values.read_grid(
                    renderer, rng.sheet, rng.grid, how.major, how.render, how.dates
                )
                matched.append({"valueRange": value_range, "dataFilters": [data_filter]})
        out: Json = {"spreadsheetId": spreadsheet.spreadsheet_id}
        if matched:
            out["valueRanges"] = matched
        return out


def batch_update_by_data_filter(
    state: EmulatorState, spreadsheet_id: str, body: Json, user: str
) -> Json:
    body = request_schema.check(body or {}, "BatchUpdateValuesByDataFilterRequest")
    opts = _write_options(body)

    def change(ss: Spreadsheet, owner: str) -> Json:
        targets = []
        for i, item in enumerate(body.get("data") or []):
            data_filter = item.get("dataFilter") or {}
            for rng in data_filters.filter_ranges(ss, data_filter):
                bounded = a1.ResolvedRange(
                    rng.sheet, rng.grid, a1.format_range(rng.sheet, rng.grid)
                )
                targets.append(_Target(i, item, bounded, data_filter))
        return _write_targets(ss, owner, user, opts, targets)

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result


def batch_clear_by_data_filter(
    state: EmulatorState, spreadsheet_id: str, body: Json, user: str
) -> Json:
    body = request_schema.check(body or {}, "BatchClearValuesByDataFilterRequest")

    def change(ss: Spreadsheet, owner: str) -> Json:
        cleared: list[str] = []
        for data_filter in body.get("dataFilters") or []:
            for rng in data_filters.filter_ranges(ss, data_filter):
                values.clear_grid(ss, rng.sheet, rng.grid, user=user, owner=owner)
                cleared.append(a1.format_range(rng.sheet, rng.grid))
        out: Json = {"spreadsheetId": ss.spreadsheet_id}
        if cleared:
            out["clearedRanges"] = cleared
        return out

    result: Json = _mutate(state, spreadsheet_id, user, change)
    return result
