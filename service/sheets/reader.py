"""Turn the Plan tab, as the Sheets API returns it, into what people entered.

Input is Google's ``Spreadsheet`` JSON from one ``spreadsheets.get`` with grid data (see
:data:`READ_FIELDS`). Output is a :class:`SheetRead`: the header fields, one
:class:`MilestoneRow` per non-empty table row (with its ID if it has one), the
current computed cells (to write only what changed), and a :class:`ReadProblem` for
each cell that could not be read. A cell that cannot be read keeps its value; the
caller keeps the last good value for the plan and raises INVALID_INPUT.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from typing import Any

import service.sheets.layout as layout
from service.services.map_sheets import LoggedChange
from service.sheets.cell_values import (
    UnreadableCell,
    cell_text,
    date_notice,
    read_date,
    read_side,
    read_status,
    read_text,
    serial_to_date,
    typed_value,
)
from service.sheets.errors import NotAMap, TableHeaderMissing
from service.sheets.timeline_tab import SHEET_ID as TIMELINE_SHEET_ID
from service.sheets.timeline_tab import TimelineCells, read_cells

# The fields mask of the one read a sync makes. No effectiveValue: a formula in an input
# cell is read as its text (its value could change with nobody editing, and a plan's
# commitments must not), and other cells' typed values are their userEnteredValue.
READ_FIELDS = (
    "spreadsheetId,properties(title,timeZone,locale),developerMetadata(metadataId,metadataKey,metadataValue),"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
    "conditionalFormats(ranges,booleanRule),"
    "protectedRanges(protectedRangeId,range(sheetId),unprotectedRanges(sheetId)),"
    "data(startRow,startColumn,rowData(values(userEnteredValue,formattedValue,"
    "note,userEnteredFormat(backgroundColor,numberFormat))),"
    "rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue))))"
)


@dataclass(frozen=True)
class ReadProblem:
    """A cell the reader could not read; its value stays as typed."""

    field: str
    row: int
    col: int
    raw: str
    message: str
    milestone_id: str | None = None


@dataclass(frozen=True)
class ReadNotice:
    """A cell read, but by a guess the person should see (an ambiguous date)."""

    row: int
    col: int
    message: str


@dataclass
class MilestoneRow:
    row: int  # 0-based row index on the Plan tab
    id: str | None  # from the hidden ID cell; None for a row a person added
    row_metadata: list[tuple[int, str]]  # (metadataId, milestone id) on this row
    inputs: dict[str, Any]  # parsed input values; a key is absent when unreadable
    raw: dict[str, str]  # what the person sees in each input cell
    computed: dict[str, dict[str, Any]]  # current computed cells: {key: CellData}
    notes: dict[str, str]  # current note per column key


@dataclass
class SheetRead:
    spreadsheet_id: str
    title: str
    map_id: str | None
    sheet_ids: dict[str, int]  # tab title -> sheetId
    row_count: int
    columns: dict[str, int]  # column key -> 0-based column index
    table_header_row: int
    header: dict[str, Any]  # parsed header inputs (account, outcome, go_live, reason)
    header_raw: dict[str, str]
    header_cells: dict[str, tuple[int, int]]  # header key -> (row, col) of its value
    header_computed: dict[str, dict[str, Any]]  # current computed header cells
    header_notes: dict[str, str]
    rows: list[MilestoneRow] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)
    notices: list[ReadNotice] = field(default_factory=list)
    # Rows without a milestone whose computed cells still show something (a milestone's
    # content was cleared, or a write landed on a row inserted under it): to be cleared.
    stray_rows: list[int] = field(default_factory=list)
    write_token: str | None = None  # the token of the last write that reached the sheet
    # The History tab's event ids: id -> its rows (0-based), more than one if doubled.
    history_events: dict[str, list[int]] = field(default_factory=dict)
    # Whether the History tab's "Event" column has its header (MAPs made before it do not).
    history_event_header: bool = True
    time_zone: str = "Etc/GMT"
    locale: str = "en_US"
    logged: list[LoggedChange] = field(default_factory=list)  # the History tab's rows
    # The Reviews tab's rows by review date (as shown in its first column).
    review_rows: dict[str, list[int]] = field(default_factory=dict)
    # What the Timeline tab shows (None: the spreadsheet has no Timeline tab).
    timeline: TimelineCells | None = None
    # The layout the spreadsheet was made with (``map.layout``; None: not known).
    layout_version: str | None = None
    # The History tab's protection (None: it has none, or it is not known).
    history_protection: Protection | None = None

    @property
    def plan_sheet_id(self) -> int:
        return self.sheet_ids[layout.PLAN_TAB]


@dataclass(frozen=True)
class Protection:
    """A tab's protected range: its id, and whether it leaves any range open."""

    protected_range_id: int
    has_openings: bool


def spreadsheet_time_zone(spreadsheet: dict[str, Any]) -> str:
    return str(spreadsheet.get("properties", {}).get("timeZone") or "Etc/GMT")


def read_plan(spreadsheet: dict[str, Any], *, today: date) -> SheetRead:
    """Read the Plan tab of a MAP spreadsheet; :class:`NotAMap` if there is none."""
    sheets = {s["properties"]["title"]: s for s in spreadsheet.get("sheets", [])}
    plan = sheets.get(layout.PLAN_TAB)
    if plan is None:
        raise NotAMap(f"no '{layout.PLAN_TAB}' tab in this spreadsheet")
    grid, row_meta = _grid(plan)
    table_row, columns = _find_table(grid)
    read = SheetRead(
        spreadsheet_id=spreadsheet.get("spreadsheetId", ""),
        title=spreadsheet.get("properties", {}).get("title", ""),
        map_id=_spreadsheet_metadata(spreadsheet, layout.MAP_ID_KEY),
        sheet_ids={t: s["properties"]["sheetId"] for t, s in sheets.items()},
        row_count=plan["properties"].get("gridProperties", {}).get("rowCount", len(grid)),
        columns=columns,
        table_header_row=table_row,
        header={},
        header_raw={},
        header_cells={},
        header_computed={},
        header_notes={},
        write_token=_spreadsheet_metadata(spreadsheet, layout.WRITE_TOKEN_KEY),
        time_zone=spreadsheet_time_zone(spreadsheet),
        locale=str(spreadsheet.get("properties", {}).get("locale") or "en_US"),
        layout_version=_spreadsheet_metadata(spreadsheet, layout.LAYOUT_KEY),
    )
    history = sheets.get(layout.HISTORY_TAB)
    if history is not None:
        # Once: the tab grows with every change recorded.
        grid_rows, _ = _grid(history, metadata=False)
        read.logged = _logged_changes(grid_rows)
        read.history_events = _history_events(grid_rows)
        first = grid_rows[0] if grid_rows else []
        read.history_event_header = bool(cell_text(_cell(first, layout.HISTORY_EVENT_COL)))
        read.history_protection = _protection(history)
    reviews = sheets.get(layout.REVIEWS_TAB)
    if reviews is not None:
        read.review_rows = read_review_rows(reviews)
    timeline = sheets.get(layout.TIMELINE_TAB)
    if timeline is not None and timeline["properties"].get("sheetId") == TIMELINE_SHEET_ID:
        read.timeline = _timeline_read(timeline)
    # Rows are told apart by what they hold, not by where they are: a sort that took in
    # the header block mixes header rows, the title and milestones, above and below the
    # table's header row. A row with an ID, or below the table, is a milestone unless
    # it is a header row or the title; above the table, only a row with an ID is one.
    header_rows: list[tuple[int, list[dict[str, Any]]]] = []
    body: list[int] = []
    for index, cells in enumerate(grid):
        if index == table_row or not _holds_a_value(cells):
            continue  # a blank row (formatted, perhaps) is neither header nor milestone
        if _is_header_row(cells, columns):
            header_rows.append((index, cells))
        elif index > table_row or cell_text(_cell(cells, columns["id"])).strip():
            body.append(index)
    _read_header(header_rows, read, today)
    _read_rows(body, grid, row_meta, read, today)
    return read


class _LastTimeline(threading.local):
    """The Timeline tab as this thread read it last: its part of the reply (grid size,
    cells, rules) and the cells read from it."""

    reply: tuple[Any, ...] | None = None
    cells: TimelineCells | None = None


_last_timeline = _LastTimeline()


def _timeline_read(sheet: dict[str, Any]) -> TimelineCells:
    """The tab's cells (``read_cells``); the very cells this thread read last when the
    tab's part of the reply is equal to last time's (compared as parsed JSON, in C).
    Most syncs read the tab as it was, and the steps after the read (``timeline_write``,
    which keeps the last tab that needed no write; the remembered layout,
    ``sheet_state``) then find it equal to what they kept at a glance (the same object),
    where each compared it cell by cell. The cells are read, never changed."""
    reply = (
        (sheet.get("properties") or {}).get("gridProperties"),
        sheet.get("data"),
        sheet.get("conditionalFormats"),
    )
    last = _last_timeline
    if last.cells is None or last.reply != reply:
        last.cells, last.reply = read_cells(sheet), reply
    return last.cells


@dataclass(frozen=True)
class _RowRead:
    """One row as :func:`_read_row` read it: its cells and what else the reading depends
    on, and what it gave (the row, and what it added to the read)."""

    cells: list[dict[str, Any]]
    row_meta: list[tuple[int, str]]
    context: tuple[Any, ...]  # the table's columns, today, the locale
    row: MilestoneRow | None
    problems: list[ReadProblem]
    notices: list[ReadNotice]
    stray: bool


class _LastRows(threading.local):
    """The rows this thread read last, by row index (one read's: most syncs follow an
    edit of one cell, and each other row reads as it read last time)."""

    def __init__(self) -> None:
        self.rows: dict[int, _RowRead] = {}


_last_rows = _LastRows()


def _read_rows(
    body: list[int],
    grid: list[list[dict[str, Any]]],
    row_meta: dict[int, list[tuple[int, str]]],
    read: SheetRead,
    today: date,
) -> None:
    """The milestone rows into ``read``: a row whose cells (compared as parsed JSON, in
    C), metadata, table columns, day and locale are those of the row read last at that
    index gives what it gave then, without being read again."""
    last = _last_rows.rows
    context = (tuple(read.columns.items()), today, read.locale)
    now: dict[int, _RowRead] = {}
    for index in body:
        cells, meta = grid[index], row_meta.get(index, [])
        kept = last.get(index)
        if kept is None or kept.context != context or kept.row_meta != meta or kept.cells != cells:
            problems, notices = len(read.problems), len(read.notices)
            strays = len(read.stray_rows)
            row = _read_row(cells, index, meta, read, today)
            kept = _RowRead(
                cells,
                meta,
                context,
                row,
                read.problems[problems:],
                read.notices[notices:],
                len(read.stray_rows) > strays,
            )
        else:
            read.problems.extend(kept.problems)
            read.notices.extend(kept.notices)
            if kept.stray:
                read.stray_rows.append(index)
        now[index] = kept
        if kept.row is not None:
            read.rows.append(kept.row)
    _last_rows.rows = now


def _holds_a_value(row: list[dict[str, Any]]) -> bool:
    """Whether any cell of the row holds something (the grid holds every row down to the
    last formatted one: most are blank)."""
    # Asked of every row of the grid, most of them blank: the cells' keys are checked
    # without a Python loop (``isdisjoint`` of each cell's keys with the value keys).
    return not all(map(_VALUE_KEYS.isdisjoint, row))


# The keys of a CellData that hold a value (a cell with none of them is blank).
_VALUE_KEYS = frozenset(("formattedValue", "userEnteredValue", "effectiveValue"))


def _is_header_row(row: list[dict[str, Any]], columns: dict[str, int]) -> bool:
    """A header block row (its label names a header field) without a milestone's ID.
    Row metadata is no guide: a sort moves cells, not the rows' metadata."""
    if cell_text(_cell(row, columns["id"])).strip():
        return False
    label = cell_text(_cell(row, layout.LABEL_COL))
    return label.startswith(layout.TITLE_PREFIX) or layout.match_header_field(label) is not None


def read_history(sheet: dict[str, Any]) -> list[LoggedChange]:
    """The History tab's rows under its header (those that name a field)."""
    grid, _ = _grid(sheet, metadata=False)
    return _logged_changes(grid)


def _logged_changes(grid: list[list[dict[str, Any]]]) -> list[LoggedChange]:
    at = layout.HISTORY_READ_COLUMNS
    logged = []
    for row in grid[1:]:
        text = {key: cell_text(_cell(row, col)).strip() for key, col in at.items()}
        if text["field"]:
            logged.append(LoggedChange(**text))
    return logged


def read_review_rows(sheet: dict[str, Any]) -> dict[str, list[int]]:
    """The Reviews tab's 0-based rows under its header, by their review date (ISO: a date
    cell's, or the text of rows written before review dates were date cells)."""
    grid, _ = _grid(sheet, metadata=False)
    rows: dict[str, list[int]] = {}
    for index, row in enumerate(grid[1:], start=1):
        first = _cell(row, 0)
        serial = (first.get("userEnteredValue") or {}).get("numberValue")
        day = serial_to_date(serial).isoformat() if serial is not None else cell_text(first).strip()
        if day:
            rows.setdefault(day, []).append(index)
    return rows


def _grid(
    sheet: dict[str, Any], *, metadata: bool = True
) -> tuple[list[list[dict[str, Any]]], dict[int, list[Any]]]:
    """The tab's cells as a dense list of rows (from row 0) and row metadata by row (none
    looked for without ``metadata``)."""
    grid: list[list[dict[str, Any]]] = []
    meta: dict[int, list[tuple[int, str]]] = {}
    for block in sheet.get("data", []):
        start = block.get("startRow", 0)
        start_col = block.get("startColumn", 0)
        row_data = block.get("rowData", [])
        end = start + len(row_data)
        if len(grid) < end:
            grid.extend([] for _ in range(end - len(grid)))
        pad: list[dict[str, Any]] = [{}] * start_col
        for offset, row in enumerate(row_data):
            values = row.get("values", [])
            grid[start + offset] = pad + values if start_col else list(values)
        if not metadata:
            continue
        # The grid's rows, every one down to the last (a thousand on a new tab), each with
        # its entry; the few that carry metadata picked out without a loop over the rest.
        props_of = block.get("rowMetadata", [])
        for offset in compress(range(len(props_of)), props_of):
            for item in props_of[offset].get("developerMetadata", []):
                if item.get("metadataKey") == layout.MILESTONE_KEY:
                    meta.setdefault(start + offset, []).append(
                        (item.get("metadataId", 0), item.get("metadataValue", ""))
                    )
    return grid, meta


def _history_events(grid: list[list[dict[str, Any]]]) -> dict[str, list[int]]:
    """The event id in each row of the History tab's ``grid`` (its header row left out)."""
    events: dict[str, list[int]] = {}
    for index, row in enumerate(grid[1:], start=1):
        text = cell_text(_cell(row, layout.HISTORY_EVENT_COL)).strip()
        if text:
            events.setdefault(text, []).append(index)
    return events


def _cell(row: list[dict[str, Any]], col: int) -> dict[str, Any]:
    return row[col] if col < len(row) else {}


def _find_table(grid: list[list[dict[str, Any]]]) -> tuple[int, dict[str, int]]:
    """The table header row and where each known column is."""
    for index, row in enumerate(grid[: layout.HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = layout.match_column(cell_text(cell))
            if key is not None and key not in columns:
                columns[key] = col
        if "title" in columns and "status" in columns:
            missing = [c.header for c in layout.COLUMNS if c.key not in columns]
            if missing:
                raise NotAMap(f"the Plan table has no column {', '.join(missing)}")
            return index, columns
    raise TableHeaderMissing(
        "no milestone table (a header row with Milestone and Status) on the Plan tab",
        row=_table_row_to_restore(grid),
    )


def _table_row_to_restore(grid: list[list[dict[str, Any]]]) -> int:
    """Where a deleted table header row belongs: above the first row with a milestone ID
    under the header block (else a blank row under the header block, as provisioned)."""
    labelled = [
        index
        for index, row in enumerate(grid[: layout.HEADER_SCAN_ROWS])
        if not cell_text(_cell(row, layout.column_index("id"))).strip()
        and (
            cell_text(_cell(row, layout.LABEL_COL)).startswith(layout.TITLE_PREFIX)
            or layout.match_header_field(cell_text(_cell(row, layout.LABEL_COL))) is not None
        )
    ]
    last = max(labelled, default=layout.TABLE_HEADER_ROW - 2)
    for index in range(last + 1, len(grid)):
        if cell_text(_cell(grid[index], layout.column_index("id"))).strip():
            return index
    return min(last + 2, len(grid))


def _read_header(
    rows: list[tuple[int, list[dict[str, Any]]]], read: SheetRead, today: date
) -> None:
    for index, row in rows:
        key = layout.match_header_field(cell_text(_cell(row, layout.LABEL_COL)))
        if key is None or key in read.header_cells:
            continue
        spec = layout.HEADER_BY_KEY[key]
        cell = _cell(row, layout.VALUE_COL)
        read.header_cells[key] = (index, layout.VALUE_COL)
        read.header_notes[key] = str(cell.get("note", ""))
        if spec.owner is layout.CellOwner.COMPUTED:
            read.header_computed[key] = cell
            continue
        read.header_raw[key] = cell_text(cell)
        value = typed_value(cell)
        try:
            parsed = (
                _read_date(value, today, read, index, layout.VALUE_COL)
                if spec.kind is layout.CellKind.DATE
                else read_text(value)
            )
        except UnreadableCell as exc:
            read.problems.append(
                ReadProblem(spec.label, index, layout.VALUE_COL, cell_text(cell), str(exc))
            )
            continue
        read.header[key] = parsed
        if key == "go_live":
            label = cell_text(_cell(row, layout.REASON_LABEL_COL))
            if layout.normalise_label(label) == layout.normalise_label(layout.REASON_LABEL):
                reason_cell = _cell(row, layout.REASON_VALUE_COL)
                read.header["reason"] = read_text(typed_value(reason_cell))
                read.header_cells["reason"] = (index, layout.REASON_VALUE_COL)


def _read_row(
    cells: list[dict[str, Any]],
    index: int,
    row_meta: list[tuple[int, str]],
    read: SheetRead,
    today: date,
) -> MilestoneRow | None:
    columns = read.columns
    width = len(cells)
    # Each known column's cell, looked up once (``_cell`` for every column).
    at = {key: cells[col] if col < width else {} for key, col in columns.items()}
    raw = {key: cell_text(at[key]) for key in layout.INPUT_COLUMNS}
    if not raw["title"].strip():
        # A row without a milestone name is not a milestone (blank, or its content
        # was cleared: the milestone is gone).
        if any(typed_value(at[k]) not in (None, "") for k in layout.COMPUTED_COLUMNS):
            read.stray_rows.append(index)
        return None
    milestone_id = cell_text(at["id"]).strip() or None
    inputs: dict[str, Any] = {}
    for key in layout.INPUT_COLUMNS:
        value = typed_value(at[key])
        try:
            if key in _DATE_INPUTS:
                inputs[key] = _read_date(value, today, read, index, columns[key])
            else:
                inputs[key] = _INPUT_PARSERS[key](value)
        except UnreadableCell as exc:
            read.problems.append(
                ReadProblem(
                    layout.COLUMN_BY_KEY[key].header,
                    index,
                    columns[key],
                    raw[key],
                    str(exc),
                    milestone_id,
                )
            )
    return MilestoneRow(
        row=index,
        id=milestone_id,
        row_metadata=row_meta,
        inputs=inputs,
        raw=raw,
        computed={key: at[key] for key in layout.COMPUTED_COLUMNS},
        notes={key: str(note) for key, cell in at.items() if (note := cell.get("note"))},
    )


# The input columns that hold dates (read in the spreadsheet's locale).
_DATE_INPUTS = frozenset(
    key for key in layout.INPUT_COLUMNS if layout.COLUMN_BY_KEY[key].kind is layout.CellKind.DATE
)


def _read_side(value: Any) -> str | None:
    return read_side(read_text(value), default="") or None


# How each other input column's value is read.
_INPUT_PARSERS: dict[str, Callable[[Any], Any]] = {
    key: read_status if key == "status" else _read_side if key == "side" else read_text
    for key in layout.INPUT_COLUMNS
    if key not in _DATE_INPUTS
}


def _read_date(value: Any, today: date, read: SheetRead, row: int, col: int) -> date | None:
    """A date read in the spreadsheet's locale, with a notice when that was a guess."""
    day = read_date(value, today=today, locale=read.locale)
    notice = date_notice(value, day, locale=read.locale) if day is not None else None
    if notice is not None:
        read.notices.append(ReadNotice(row, col, notice))
    return day


def _protection(sheet: dict[str, Any]) -> Protection | None:
    for protected in sheet.get("protectedRanges", []):
        if "protectedRangeId" in protected:
            return Protection(
                protected_range_id=int(protected["protectedRangeId"]),
                has_openings=bool(protected.get("unprotectedRanges")),
            )
    return None


def _spreadsheet_metadata(spreadsheet: dict[str, Any], key: str) -> str | None:
    for item in spreadsheet.get("developerMetadata", []):
        if item.get("metadataKey") == key:
            value = item.get("metadataValue")
            return str(value) if value is not None else None
    return None
