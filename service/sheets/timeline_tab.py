"""The Timeline tab: one row per milestone, its target and projected spans drawn as bars
over business weeks by conditional formatting.

The bars are the spreadsheet's own work: conditional-format rules with custom formulas
compare each week column's Monday (the header row) with the row's start and end cells,
and mark today's week (``TODAY()``, in the spreadsheet's time zone, so the mark moves
with no write) and the week of the committed go-live. The backend writes values only:
the go-live dates, the week dates of the header and each row's title and dates, with
the tab's labels. Provisioning adds the static formats and the protection once
(:func:`tab_requests`); each write (provisioning's, then every sync's one
``batchUpdate``) plans the cells that differ, resizes the grid to the weeks and rows it
needs, and puts the rules back, their ranges bounded by the new grid, when the grid was
resized or the rules are not ours any more (:func:`write_requests`). The rules' ranges
are bounded because Google does not grow a rule's range when the grid grows past it.

Layout (0-based rows and columns)::

    row 0   Timeline | legend: Target + projected, Target only, Projected only, This week
    row 1   Committed go-live | <date> | Projected go-live | <date>
    row 2   Milestone | Target start | Target end | Projected start | Projected end | weeks
    row 3+  one milestone a row, in the Plan tab's order

The tab is found by its sheet id; a renamed or deleted one is put back (``tabs.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import service.sheets.requests as rq
from service.domain.timeline import Span, Timeline
from service.sheets.cell_values import date_order, date_to_serial
from service.sheets.cells import cell_data, color_to_hex, hex_to_color, shows

# The tab's sheet id (provisioning's): a tab of the same name with another id is a
# person's own, never written.
SHEET_ID = 1005
TITLE_ROW = 0
GO_LIVE_ROW = 1
HEADER_ROW = 2
FIRST_ROW = 3
FIRST_WEEK_COL = 5
HEADERS = ("Milestone", "Target start", "Target end", "Projected start", "Projected end")
# Column of each span's start and end cell (what the rules compare the weeks with).
TARGET_START, TARGET_END, PROJECTED_START, PROJECTED_END = 1, 2, 3, 4
COMMITTED_COL = 1  # the committed go-live date (row GO_LIVE_ROW)
PROJECTED_GO_LIVE_COL = 3

BOTH = "#6fa8dc"
TARGET_ONLY = "#cfe2f3"
PROJECTED_ONLY = "#f6b26b"
THIS_WEEK = "#fff2cc"
GO_LIVE_WEEK = "#ea9999"
HEADER_FILL = "#d9d9d9"
LEGEND = (
    ("Target + projected", BOTH),
    ("Target only", TARGET_ONLY),
    ("Projected only", PROJECTED_ONLY),
    ("This week", THIS_WEEK),
)
# Widths: the legend and the dates fit their columns; "Dec 28" or "28 Dec" fits a week's.
COLUMN_PX = (200, 115, 115, 115, 115)
WEEK_PX = 56
# What a write replaces in a cell of the tab (not its bold or width: provisioning's).
FIELDS = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.backgroundColor"
DESCRIPTION = "Kept by the MAP backend: redrawn from the plan after every edit."


# A conditional-format rule as compared: its ranges (start row, end row, start column,
# end column; -1 for an open end), its condition's type and formula, and its colour.
Rule = tuple[tuple[tuple[int, int, int, int], ...], str, str, str]


@dataclass
class TimelineCells:
    """What the tab shows (or must show): its grid size, its non-empty cells and its
    conditional-format rules in order."""

    rows: int
    cols: int
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)

    def to_json(self, cell: Callable[[dict[str, Any]], Any] = dict) -> dict[str, Any]:
        """As JSON, each cell as ``cell`` makes it (the remembered layout keeps what
        ``cells.shows`` compares: ``sheet_state.compared``)."""
        return {
            "rows": self.rows,
            "cols": self.cols,
            "cells": [[r, c, cell(value)] for (r, c), value in sorted(self.cells.items())],
            "rules": [[[list(g) for g in ranges], kind, formula, colour]
                      for ranges, kind, formula, colour in self.rules],
        }  # fmt: skip

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], cell: Callable[[Any], dict[str, Any]] = dict
    ) -> TimelineCells:
        """From :meth:`to_json`'s JSON, each cell's CellData made by ``cell``."""
        return cls(
            int(data.get("rows", 0)),
            int(data.get("cols", 0)),
            {(int(r), int(c)): cell(value) for r, c, value in data.get("cells", [])},
            [
                (tuple(_bounds(g) for g in ranges), str(kind), str(formula), str(colour))
                for ranges, kind, formula, colour in data.get("rules", [])
            ],
        )


def _bounds(values: Any) -> tuple[int, int, int, int]:
    first_row, end_row, first_col, end_col = (int(v) for v in values)
    return (first_row, end_row, first_col, end_col)


def week_pattern(locale: str) -> str:
    """The week header's date format: day and month in the locale's order."""
    return "d mmm" if date_order(locale) == "DMY" else "mmm d"


def wanted_cells(timeline: Timeline, locale: str) -> TimelineCells:
    """Everything the tab shows for ``timeline``, in a grid just large enough."""
    rows = FIRST_ROW + max(len(timeline.rows), 1)
    cols = FIRST_WEEK_COL + max(len(timeline.weeks), 1)
    cells: dict[tuple[int, int], dict[str, Any]] = {}

    def put(row: int, col: int, cell: dict[str, Any]) -> None:
        if cell:
            cells[(row, col)] = cell

    put(TITLE_ROW, 0, cell_data("Timeline"))
    for offset, (text, colour) in enumerate(LEGEND, start=1):
        put(TITLE_ROW, offset, cell_data(text, background=colour))
    put(GO_LIVE_ROW, 0, cell_data("Committed go-live", background=GO_LIVE_WEEK))
    put(GO_LIVE_ROW, COMMITTED_COL, cell_data(timeline.committed_go_live))
    put(GO_LIVE_ROW, PROJECTED_GO_LIVE_COL - 1, cell_data("Projected go-live"))
    put(GO_LIVE_ROW, PROJECTED_GO_LIVE_COL, cell_data(timeline.projected_go_live))
    for col, text in enumerate(HEADERS):
        put(HEADER_ROW, col, cell_data(text, background=HEADER_FILL))
    pattern = week_pattern(locale)
    for offset, monday in enumerate(timeline.weeks):
        put(HEADER_ROW, FIRST_WEEK_COL + offset, _week_cell(monday, pattern))
    for index, item in enumerate(timeline.rows):
        row = FIRST_ROW + index
        put(row, 0, cell_data(item.title))
        for col, day in zip(
            (TARGET_START, TARGET_END, PROJECTED_START, PROJECTED_END),
            (*_ends(item.target), *_ends(item.projected)),
            strict=True,
        ):
            put(row, col, cell_data(day))
    rules: list[Rule] = [
        (((first_row, rows, FIRST_WEEK_COL, cols),), "CUSTOM_FORMULA", formula, colour)
        for first_row, formula, colour in rule_formulas()
    ]
    return TimelineCells(rows, cols, cells, rules)


def _ends(span: Span | None) -> tuple[date | None, date | None]:
    return (None, None) if span is None else (span.start, span.end)


def _week_cell(monday: date, pattern: str) -> dict[str, Any]:
    return {
        "userEnteredValue": {"numberValue": date_to_serial(monday)},
        "userEnteredFormat": {
            "numberFormat": {"type": "DATE", "pattern": pattern},
            "backgroundColor": hex_to_color(HEADER_FILL),
        },
    }


def write_requests(
    sheet_id: int, current: TimelineCells, wanted: TimelineCells
) -> list[dict[str, Any]]:
    """The requests that bring the tab from ``current`` to ``wanted``: the grid resized
    first when its size differs, the rules replaced when they differ (the tab's rules
    are all ours), then one ``updateCells`` per row that differs (from its first to its
    last differing cell); none when it already shows ``wanted``."""
    requests: list[dict[str, Any]] = []
    if (current.rows, current.cols) != (wanted.rows, wanted.cols):
        requests.append(
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": sheet_id,
                        "gridProperties": {"rowCount": wanted.rows, "columnCount": wanted.cols},
                    },
                    "fields": "gridProperties.rowCount,gridProperties.columnCount",
                }
            }
        )
    if current.rules != wanted.rules:
        requests += [
            {"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": index}}
            for index in reversed(range(len(current.rules)))
        ]
        requests += [_add_rule(sheet_id, index, rule) for index, rule in enumerate(wanted.rules)]
    differing: dict[int, list[int]] = {}
    for row, col in set(current.cells) | set(wanted.cells):
        if row >= wanted.rows or col >= wanted.cols:
            continue  # gone with the rows or columns the resize removes
        if not shows(current.cells.get((row, col)), wanted.cells.get((row, col), {})):
            differing.setdefault(row, []).append(col)
    for row in sorted(differing):
        first, last = min(differing[row]), max(differing[row])
        cells = [wanted.cells.get((row, col), {}) for col in range(first, last + 1)]
        requests.append(rq.update_cells(sheet_id, row, first, cells, FIELDS))
    return requests


def read_cells(sheet: Mapping[str, Any]) -> TimelineCells:
    """The tab as one read returned it (its grid data and grid size)."""
    grid = (sheet.get("properties") or {}).get("gridProperties") or {}
    found = TimelineCells(int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)))
    for block in sheet.get("data") or []:
        start_row = int(block.get("startRow", 0))
        start_col = int(block.get("startColumn", 0))
        for r, row in enumerate(block.get("rowData") or []):
            for c, cell in enumerate(row.get("values") or []):
                if cell and (cell.get("userEnteredValue") or cell.get("userEnteredFormat")):
                    found.cells[(start_row + r, start_col + c)] = cell
    found.rules = [_rule_of(rule) for rule in sheet.get("conditionalFormats") or []]
    return found


def _rule_of(rule: Mapping[str, Any]) -> Rule:
    """A rule as read, in the shape :class:`TimelineCells` compares."""
    boolean = rule.get("booleanRule") or {}
    condition = boolean.get("condition") or {}
    values = condition.get("values") or [{}]
    colour = color_to_hex((boolean.get("format") or {}).get("backgroundColor")) or ""
    ranges = tuple(
        (
            int(g.get("startRowIndex", 0)),
            int(g.get("endRowIndex", -1)),
            int(g.get("startColumnIndex", 0)),
            int(g.get("endColumnIndex", -1)),
        )
        for g in rule.get("ranges") or []
    )
    formula = str(values[0].get("userEnteredValue", ""))
    return (ranges, str(condition.get("type", "")), formula, colour)


def _add_rule(sheet_id: int, index: int, rule: Rule) -> dict[str, Any]:
    ranges, kind, formula, colour = rule
    return {
        "addConditionalFormatRule": {
            "rule": {
                "ranges": [
                    rq.grid_range(sheet_id, first_row, first_col,
                                  rows=end_row - first_row, cols=end_col - first_col)
                    for first_row, end_row, first_col, end_col in ranges
                ],
                "booleanRule": {
                    "condition": {"type": kind, "values": [{"userEnteredValue": formula}]},
                    "format": {"backgroundColor": hex_to_color(colour)},
                },
            },
            "index": index,
        }
    }  # fmt: skip


def tab_requests(sheet_id: int) -> list[dict[str, Any]]:
    """What a new Timeline tab gets once: frozen rows and column, widths, bold labels
    and a warning-only protection. Its values and rules come with the writes
    (:func:`write_requests`)."""
    return [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": sheet_id,
                    "gridProperties": {"frozenRowCount": FIRST_ROW, "frozenColumnCount": 1},
                    "tabColorStyle": {"rgbColor": hex_to_color(BOTH)},
                },
                "fields": "gridProperties.frozenRowCount,gridProperties.frozenColumnCount,"
                "tabColorStyle",
            }
        },
        *(_width(sheet_id, col, px) for col, px in enumerate(COLUMN_PX)),
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": sheet_id,
                    "dimension": "COLUMNS",
                    "startIndex": FIRST_WEEK_COL,
                },
                "properties": {"pixelSize": WEEK_PX},
                "fields": "pixelSize",
            }
        },
        _bold(rq.grid_range(sheet_id, TITLE_ROW, 0, rows=2)),  # "Timeline", go-live
        _bold({"sheetId": sheet_id, "startRowIndex": HEADER_ROW, "endRowIndex": HEADER_ROW + 1}),
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": sheet_id},
                    "description": DESCRIPTION,
                    "warningOnly": True,
                }
            }
        },
    ]


def _bold(grid: dict[str, int]) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": grid,
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    }


def _width(sheet_id: int, col: int, px: int) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": col,
                "endIndex": col + 1,
            },
            "properties": {"pixelSize": px},
            "fields": "pixelSize",
        }
    }


def rule_formulas() -> list[tuple[int, str, str]]:
    """The rules, first match wins: (first row, custom formula, colour). Their ranges run
    from the first week column and that row to the grid's end; the formulas are written
    for that top-left cell."""
    week = f"{_col(FIRST_WEEK_COL)}${HEADER_ROW + 1}"
    row = FIRST_ROW + 1
    ts, te = f"${_col(TARGET_START)}{row}", f"${_col(TARGET_END)}{row}"
    ps, pe = f"${_col(PROJECTED_START)}{row}", f"${_col(PROJECTED_END)}{row}"
    go_live = f"${_col(COMMITTED_COL)}${GO_LIVE_ROW + 1}"
    # A week (Monday to Friday) meets a span when it starts by the span's end and ends
    # on or after its start.
    target = f"ISNUMBER({ts}),{week}<={te},{week}+4>={ts}"
    projected = f"ISNUMBER({ps}),{week}<={pe},{week}+4>={ps}"
    return [
        (FIRST_ROW, f"=AND({target},{projected})", BOTH),
        (FIRST_ROW, f"=AND({projected})", PROJECTED_ONLY),
        (FIRST_ROW, f"=AND({target})", TARGET_ONLY),
        (HEADER_ROW, f"=AND(ISNUMBER({week}),{week}<={go_live},{go_live}<{week}+7)", GO_LIVE_WEEK),
        (HEADER_ROW, f"=AND(ISNUMBER({week}),{week}<=TODAY(),TODAY()<{week}+7)", THIS_WEEK),
    ]


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
