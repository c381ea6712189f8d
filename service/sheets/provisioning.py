"""The requests that lay a new MAP out in a spreadsheet: tabs, header block, milestone
table, dropdowns, protections, colours, frozen header and developer metadata.

Provisioning makes at most two Sheets calls whatever the template's size: a
``spreadsheets.create`` with the five tabs (or, for an existing spreadsheet, a ``get``
to see what is there), then the one ``batchUpdate`` built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import service.sheets.layout as layout
import service.sheets.requests as rq
import service.sheets.timeline_tab as timeline_tab
from service.domain.model import Milestone
from service.services.map_sheets import NewMap
from service.sheets.cell_values import date_pattern
from service.sheets.cells import cell_data, hex_to_color, shown_cell
from service.sheets.errors import AlreadyAMap
from service.sheets.render import Shown, header_cells, milestone_cells
from service.sheets.row_format import DEFAULT_COLUMNS, align_top, milestone_row_format, wrap

# sheetIds we give our tabs (fixed, so one batchUpdate can refer to tabs it adds).
PLAN_SHEET_ID = 1001
HISTORY_SHEET_ID = 1002
REVIEWS_SHEET_ID = 1003
GUIDE_SHEET_ID = 1004
TIMELINE_SHEET_ID = timeline_tab.SHEET_ID
TAB_IDS = {
    layout.PLAN_TAB: PLAN_SHEET_ID,
    layout.TIMELINE_TAB: TIMELINE_SHEET_ID,
    layout.HISTORY_TAB: HISTORY_SHEET_ID,
    layout.REVIEWS_TAB: REVIEWS_SHEET_ID,
    layout.GUIDE_TAB: GUIDE_SHEET_ID,
}
# Rows the dropdowns, date checks, status colours and protections cover below the last
# milestone (not the rows' alignment and wrapping: ``row_format``). Rows inserted within
# the table inherit them; the read covers every row that has any, so this stays modest.
SPARE_ROWS = 100
# Rows of a tab Google adds (create, addSheet). The Plan tab is sized to its header
# block, the plan and the spare rows instead (``plan_grid_rows``).
NEW_TAB_ROWS = 1000
# A new spreadsheet's locale when Create MAP names none.
DEFAULT_LOCALE = "en_US"
NEW_TAB_COLUMNS = 26
HEADER_FILL = "#cfe2f3"
STATUS_COLOURS = {
    "Done": "#d9ead3",
    "Blocked": "#f4cccc",
    "In progress": "#fff2cc",
    "N/A": "#efefef",
}

GUIDE_LINES = (
    "How to use this Mutual Action Plan",
    "",
    "This sheet is the one plan both teams keep from decision to go-live. Edit it freely:",
    "• Milestone, Side, Owner, Deliverable, Due, Status, Completed on and Notes are yours to edit.",
    "• Put a date in Due to commit to it; leave it empty to use the planned Target date.",
    "• Set Status from the dropdown; when a step is finished, set Done (and Completed on).",
    "• Add a row anywhere in the table for a new step; delete a row if a step is not needed.",
    "• Owner: a named person, ideally as Name <email>, so everyone knows who to ask.",
    "• If you change the Committed Go-Live date, say why in Reason for change beside it,",
    "  or later, in the Reason column of its row in the History tab.",
    "",
    "Grey columns (Target date, Projected date, Health, Risk) and the header figures are",
    "recalculated automatically after every edit: business days, holidays and dependencies",
    "are worked backward from the Go-Live date. The Timeline tab shows each step's target",
    "and projected weeks; the History tab records every change; the Reviews tab keeps",
    "the weekly reviews.",
)


def create_body(title: str, time_zone: str = "", locale: str = "") -> dict[str, Any]:
    """The ``spreadsheets.create`` body: the title, the time zone and locale (when chosen;
    else en_US) and the five tabs."""
    zone = {"timeZone": time_zone} if time_zone else {}
    return {
        "properties": {"title": title, "locale": locale or DEFAULT_LOCALE, **zone},
        "sheets": [
            {"properties": {"sheetId": sheet_id, "title": name, "index": index}}
            for index, (name, sheet_id) in enumerate(TAB_IDS.items())
        ],
    }


def add_tabs_requests(existing: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """For "create here": add our tabs to an existing spreadsheet (before anything else);
    :class:`AlreadyAMap` when it has tabs of their names."""
    taken_titles = {s["properties"]["title"] for s in existing}
    taken_ids = {s["properties"]["sheetId"] for s in existing}
    clash = [t for t in TAB_IDS if t in taken_titles]
    if clash or taken_ids & set(TAB_IDS.values()):
        raise AlreadyAMap(f"this spreadsheet already has a tab named {', '.join(clash)}")
    return [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": name, "index": index}}}
        for index, (name, sheet_id) in enumerate(TAB_IDS.items())
    ]


def layout_requests(new: NewMap) -> list[dict[str, Any]]:
    """The one batchUpdate that fills a spreadsheet that has our five tabs."""
    rows = _plan_rows(new)
    first = layout.FIRST_MILESTONE_ROW
    table_rows = len(new.milestones) + SPARE_ROWS
    last = first + table_rows
    col = layout.column_index
    computed_cols = [col(k) for k in layout.COMPUTED_COLUMNS]
    requests: list[dict[str, Any]] = [
        # First, so every request after it may write anywhere in the table.
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": PLAN_SHEET_ID,
                    "gridProperties": {
                        "frozenRowCount": layout.FROZEN_ROWS,
                        "rowCount": plan_grid_rows(len(new.milestones)),
                    },
                    "tabColorStyle": {"rgbColor": hex_to_color("#3c78d8")},
                },
                "fields": "gridProperties.frozenRowCount,gridProperties.rowCount,tabColorStyle",
            }
        },
        {
            "updateCells": {
                "range": rq.grid_range(
                    PLAN_SHEET_ID, 0, 0, rows=len(rows), cols=len(layout.COLUMNS)
                ),
                "rows": [{"values": row} for row in rows],
                "fields": "userEnteredValue,userEnteredFormat,note",
            }
        },
        {
            "mergeCells": {
                "range": rq.grid_range(PLAN_SHEET_ID, 0, 1, cols=6),
                "mergeType": "MERGE_ALL",
            }
        },
        _hide_column(col("id")),
        *_column_widths(),
        # The plan's rows only: a row added under them is formatted by the sync that
        # gives it its ID (``row_format``: formatted blank rows would fill every read).
        *milestone_row_format(
            PLAN_SHEET_ID, first, DEFAULT_COLUMNS, rows=max(len(new.milestones), 1)
        ),
        *_top_risks_block(),
        _dropdown(col("side"), layout.SIDE_CHOICES, first, last),
        _dropdown(col("status"), layout.STATUS_CHOICES, first, last),
        _date_validation(col("due"), first, last),
        _date_validation(col("completed_on"), first, last),
        *(_status_colour(text, colour, first, last) for text, colour in STATUS_COLOURS.items()),
        _protect(
            rq.grid_range(
                PLAN_SHEET_ID, first, computed_cols[0], rows=table_rows, cols=len(computed_cols)
            ),
            "Computed by the MAP backend: recalculated after every edit.",
        ),
        _protect(
            rq.grid_range(PLAN_SHEET_ID, 0, col("id"), rows=last, cols=1),
            "Milestone IDs keep history and dates attached to the right step.",
        ),
        _protect(
            rq.grid_range(
                PLAN_SHEET_ID,
                layout.HEADER_BY_KEY["projected_go_live"].row,
                layout.VALUE_COL,
                rows=len(layout.HEADER_FIELDS) - 3,
            ),
            "Computed by the MAP backend from the plan.",
        ),
        {
            "addNamedRange": {
                "namedRange": {
                    "name": "MAP_GoLive",
                    "range": rq.grid_range(
                        PLAN_SHEET_ID, layout.HEADER_BY_KEY["go_live"].row, layout.VALUE_COL
                    ),
                }
            }
        },
        rq.spreadsheet_metadata(layout.MAP_ID_KEY, new.map_id),
        rq.spreadsheet_metadata(layout.LAYOUT_KEY, layout.LAYOUT_VERSION),
        rq.spreadsheet_metadata(layout.WRITE_TOKEN_KEY, new.write_token),
        *(
            rq.create_row_metadata(PLAN_SHEET_ID, first + i, layout.MILESTONE_KEY, m.id)
            for i, m in enumerate(new.milestones)
        ),
        *log_tab_requests(
            HISTORY_SHEET_ID,
            layout.HISTORY_HEADERS,
            open_column=layout.HISTORY_READ_COLUMNS["reason"],
        ),
        *log_tab_requests(REVIEWS_SHEET_ID, layout.REVIEWS_HEADERS),
        _guide(),
        *timeline_requests(new),
    ]
    return requests


def timeline_requests(new: NewMap | None = None) -> list[dict[str, Any]]:
    """The Timeline tab's rules, formats and protection, the mark that the MAP has one,
    and (given ``new``) its first values, in a grid sized for them."""
    requests = [
        *timeline_tab.tab_requests(TIMELINE_SHEET_ID),
        rq.spreadsheet_metadata(layout.TIMELINE_KEY, "1"),
    ]
    if new is not None and new.timeline is not None:
        blank = timeline_tab.TimelineCells(NEW_TAB_ROWS, NEW_TAB_COLUMNS)
        wanted = timeline_tab.wanted_cells(new.timeline, new.locale or DEFAULT_LOCALE)
        requests += timeline_tab.write_requests(TIMELINE_SHEET_ID, blank, wanted)
    return requests


def plan_grid_rows(milestones: int) -> int:
    """The Plan tab's rows: the header block, the table and its spare rows, no more.

    A new tab has 1,000 rows, and Google's read of the tab gives an entry of row metadata
    for every row of the grid, empty ones included: for a 15-milestone plan, 870 empty
    rows were 870 entries in every sync's read, parsed and let go each time (about a
    fifth of the read's JSON objects). Below the spare rows, Sheets offers to add more
    rows; the read covers the whole grid, so a row added there is read like any other."""
    return layout.FIRST_MILESTONE_ROW + milestones + SPARE_ROWS


def _plan_rows(new: NewMap) -> list[list[dict[str, Any]]]:
    width = len(layout.COLUMNS)
    rows: list[list[dict[str, Any]]] = [
        [{} for _ in range(width)] for _ in range(layout.FIRST_MILESTONE_ROW)
    ]
    pattern = date_pattern(new.locale or DEFAULT_LOCALE)
    cells = milestone_cells(new.computed)
    header = header_cells(new.computed, new.milestones, last_review=None)
    title = cell_data(f"{layout.TITLE_PREFIX}{new.account}")
    title["userEnteredFormat"] = {"textFormat": {"bold": True, "fontSize": 16}}
    rows[layout.TITLE_ROW][1] = title
    header_values: dict[str, Any] = {
        "account": cell_data(new.account),
        "outcome": cell_data(new.outcome),
        "go_live": cell_data(new.go_live, date_pattern=pattern),
        **{key: shown_cell(shown, pattern) for key, shown in header.items()},
    }
    for spec in layout.HEADER_FIELDS:
        label = cell_data(spec.label)
        label["userEnteredFormat"] = {"textFormat": {"bold": True}}
        rows[spec.row][layout.LABEL_COL] = label
        rows[spec.row][layout.VALUE_COL] = header_values[spec.key]
    go_live_row = layout.HEADER_BY_KEY["go_live"].row
    reason_label = cell_data(layout.REASON_LABEL)
    reason_label["userEnteredFormat"] = {"textFormat": {"bold": True}}
    rows[go_live_row][layout.REASON_LABEL_COL] = reason_label
    rows[layout.TABLE_HEADER_ROW] = [table_header_cell(c) for c in layout.COLUMNS]
    for milestone in new.milestones:
        rows.append(_milestone_row(milestone, cells[milestone.id], pattern))
    return rows


def table_header_cell(column: layout.Column) -> dict[str, Any]:
    """The milestone table's header cell of ``column``, as provisioned."""
    fill = HEADER_FILL if column.owner is not layout.CellOwner.INPUT else "#d9d9d9"
    cell = cell_data(column.header, background=fill)
    cell["userEnteredFormat"]["textFormat"] = {"bold": True}
    if column.owner is layout.CellOwner.COMPUTED:
        cell["note"] = "Calculated by the MAP backend; edits here are replaced."
    return cell


def _milestone_row(m: Milestone, cells: Mapping[str, Shown], pattern: str) -> list[dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {
        "id": cell_data(m.id),
        "title": cell_data(m.title),
        "side": cell_data(m.side.value.capitalize()),
        "owner": cell_data(m.owner),
        "deliverable": cell_data(m.deliverable),
        "due": _date_cell(m.due, pattern),
        "status": cell_data(m.status.value),
        "completed_on": _date_cell(m.completed_on, pattern),
        "notes": cell_data(m.notes),
        **{key: shown_cell(cells[key], pattern) for key in layout.COMPUTED_COLUMNS},
    }
    return [values[c.key] for c in layout.COLUMNS]


def _date_cell(day: date | None, pattern: str) -> dict[str, Any]:
    """A date input cell: the date, or empty and formatted for the date people type."""
    if day is not None:
        return cell_data(day, date_pattern=pattern)
    return {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": pattern}}}


def _hide_column(index: int) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": PLAN_SHEET_ID,
                "dimension": "COLUMNS",
                "startIndex": index,
                "endIndex": index + 1,
            },
            "properties": {"hiddenByUser": True},
            "fields": "hiddenByUser",
        }
    }


def _top_risks_block() -> list[dict[str, Any]]:
    """Top risks spans the value column to Health (what fits on the first screen) and
    wraps, so every risk can be read whole."""
    row = layout.HEADER_BY_KEY["top_risks"].row
    cols = layout.column_index("health") - layout.VALUE_COL + 1
    return [
        {
            "mergeCells": {
                "range": rq.grid_range(PLAN_SHEET_ID, row, layout.VALUE_COL, cols=cols),
                "mergeType": "MERGE_ALL",
            }
        },
        wrap(PLAN_SHEET_ID, row, layout.VALUE_COL, cols=cols),
        align_top(PLAN_SHEET_ID, row, layout.LABEL_COL, rows=1, cols=1),
    ]


def _column_widths() -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": PLAN_SHEET_ID,
                    "dimension": "COLUMNS",
                    "startIndex": i,
                    "endIndex": i + 1,
                },
                "properties": {"pixelSize": column.width},
                "fields": "pixelSize",
            }
        }
        for i, column in enumerate(layout.COLUMNS)
        if column.key != "id"
    ]


def _dropdown(col: int, choices: Sequence[str], first: int, last: int) -> dict[str, Any]:
    return {
        "setDataValidation": {
            "range": rq.grid_range(PLAN_SHEET_ID, first, col, rows=last - first),
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": c} for c in choices],
                },
                "showCustomUi": True,
                "strict": False,
            },
        }
    }


def _date_validation(col: int, first: int, last: int) -> dict[str, Any]:
    return {
        "setDataValidation": {
            "range": rq.grid_range(PLAN_SHEET_ID, first, col, rows=last - first),
            "rule": {
                "condition": {"type": "DATE_IS_VALID"},
                "inputMessage": "A date, like 2027-01-05 or Jan 5, 2027",
                "strict": False,
            },
        }
    }


def _status_colour(text: str, colour: str, first: int, last: int) -> dict[str, Any]:
    return {
        "addConditionalFormatRule": {
            "rule": {
                "ranges": [
                    rq.grid_range(
                        PLAN_SHEET_ID, first, layout.column_index("status"), rows=last - first
                    )
                ],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]},
                    "format": {"backgroundColor": hex_to_color(colour)},
                },
            },
            "index": 0,
        }
    }


def _protect(
    grid: dict[str, int], description: str, *, unprotected: Sequence[dict[str, int]] = ()
) -> dict[str, Any]:
    protected: dict[str, Any] = {"range": grid, "description": description, "warningOnly": True}
    if unprotected:
        protected["unprotectedRanges"] = list(unprotected)
    return {"addProtectedRange": {"protectedRange": protected}}


def log_tab_requests(
    sheet_id: int, headers: Sequence[str], *, open_column: int | None = None
) -> list[dict[str, Any]]:
    """A log tab: bold frozen headers, protected (append-only) but for ``open_column``
    below the header (History's Reason: people may say why a date moved, at any time)."""
    opening = (
        [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": open_column,
          "endColumnIndex": open_column + 1}]
        if open_column is not None
        else []
    )  # fmt: skip
    header_cells = []
    for text in headers:
        cell = cell_data(text, background=HEADER_FILL)
        cell["userEnteredFormat"]["textFormat"] = {"bold": True}
        header_cells.append(cell)
    return [
        rq.update_cells(sheet_id, 0, 0, header_cells, "userEnteredValue,userEnteredFormat"),
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        _protect(
            {"sheetId": sheet_id},
            "Kept by the MAP backend; append-only.",
            unprotected=opening,
        ),
    ]


def _guide() -> dict[str, Any]:
    rows = []
    for i, line in enumerate(GUIDE_LINES):
        cell = cell_data(line)
        if i == 0:
            cell["userEnteredFormat"] = {"textFormat": {"bold": True, "fontSize": 14}}
        rows.append({"values": [cell]})
    return {
        "updateCells": {
            "range": rq.grid_range(GUIDE_SHEET_ID, 0, 0, rows=len(rows)),
            "rows": rows,
            "fields": "userEnteredValue,userEnteredFormat",
        }
    }
