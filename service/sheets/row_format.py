"""How a milestone row of the Plan tab looks: every cell's text at the top, long text in
Milestone, Owner and Risk wrapping (the row grows), Deliverable and Notes cut at the
column's edge (docs/sheet.md, "The first screen").

Provisioning lays this on the plan's rows. A row a person adds under the table gets it in
the sync's write that gives the row its ID. The spare rows under the table carry their
dropdowns, date checks, status colours and protections from the start, but not this:
Google's read returns every row down to the last one with anything in it, and a
formatted blank row is about 360 bytes of it (100 spare rows were 31 KB of a 15-milestone
MAP's 96 KB read, a quarter of what each sync parses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import service.sheets.layout as layout
import service.sheets.requests as rq

# The table's columns where a new MAP has them (a sheet's own are found by their header).
DEFAULT_COLUMNS = {column.key: index for index, column in enumerate(layout.COLUMNS)}


def milestone_row_format(
    sheet_id: int, row: int, columns: Mapping[str, int], *, rows: int = 1
) -> list[dict[str, Any]]:
    """The requests that format ``rows`` table rows from ``row`` (0-based) as milestone
    rows, the columns where ``columns`` says (column key -> index)."""
    requests = [align_top(sheet_id, row, 0, rows=rows, cols=max(columns.values()) + 1)]
    for keys, strategy in ((layout.WRAPPED_COLUMNS, "WRAP"), (layout.CLIPPED_COLUMNS, "CLIP")):
        requests += [
            wrap(sheet_id, row, columns[key], rows=rows, strategy=strategy)
            for key in keys
            if key in columns
        ]
    return requests


def wrap(
    sheet_id: int, row: int, col: int, *, rows: int = 1, cols: int = 1, strategy: str = "WRAP"
) -> dict[str, Any]:
    """Text in the range wraps (its row grows) instead of running on, or with
    ``strategy="CLIP"`` stops at the cell's edge."""
    return {
        "repeatCell": {
            "range": rq.grid_range(sheet_id, row, col, rows=rows, cols=cols),
            "cell": {"userEnteredFormat": {"wrapStrategy": strategy}},
            "fields": "userEnteredFormat.wrapStrategy",
        }
    }


def align_top(sheet_id: int, row: int, col: int, *, rows: int, cols: int) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": rq.grid_range(sheet_id, row, col, rows=rows, cols=cols),
            "cell": {"userEnteredFormat": {"verticalAlignment": "TOP"}},
            "fields": "userEnteredFormat.verticalAlignment",
        }
    }
