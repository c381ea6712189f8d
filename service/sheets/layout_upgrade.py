"""Bring a MAP made with an earlier layout up to this one, in the sync's one write.

The spreadsheet's ``map.layout`` metadata names the layout it was made with. When it is
older than :data:`~service.sheets.layout.LAYOUT_VERSION`, the sync's write also carries
what later layouts changed in how the sheet looks and who may type where, then records
the new version, so it happens once:

- the Plan tab's column widths (what fits a 1280 px screen, docs/sheet.md);
- wrapping: long text in Milestone, Owner and Risk wraps, Deliverable and Notes clip
  (the table's rows down to its last milestone), and the Top risks cell wraps;
- the History tab's Reason column opens for people (its warning-only protection leaves
  that column out), so a reason for a date move can be given later.

Everything is found where the sheet has it now (columns by their header, the Top risks
cell by its label, History's protection by its id), and nothing a person typed is
touched. Top risks is not merged across the columns to its right, as a new MAP's is:
merging would drop whatever people put in those cells.
"""

from __future__ import annotations

from typing import Any

import service.sheets.layout as layout
import service.sheets.requests as rq
from service.sheets.reader import SheetRead


def needs_upgrade(read: SheetRead) -> bool:
    """Whether the sheet says it was made with an older layout (not known: no)."""
    version = read.layout_version
    return version is not None and version.isdigit() and int(version) < int(layout.LAYOUT_VERSION)


def upgrade_requests(read: SheetRead) -> list[dict[str, Any]]:
    """The requests that bring ``read``'s sheet to this layout, and record it."""
    sheet_id = read.plan_sheet_id
    first = read.table_header_row + 1
    # The table's rows down to its last milestone, not the grid's: a formatted blank row
    # is part of every read, and a row added later is formatted by the write that gives
    # it its ID (``row_format``).
    rows = max([r.row for r in read.rows if r.row >= first], default=first) - first + 1
    requests: list[dict[str, Any]] = []
    for column in layout.COLUMNS:
        index = read.columns.get(column.key)
        if column.key == "id" or index is None:
            continue
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "startIndex": index,
                        "endIndex": index + 1,
                    },
                    "properties": {"pixelSize": column.width},
                    "fields": "pixelSize",
                }
            }
        )
    for keys, strategy in ((layout.WRAPPED_COLUMNS, "WRAP"), (layout.CLIPPED_COLUMNS, "CLIP")):
        for key in keys:
            if key in read.columns:
                requests.append(_wrap(sheet_id, first, read.columns[key], rows, strategy))
    if "top_risks" in read.header_cells:
        row, col = read.header_cells["top_risks"]
        requests.append(_wrap(sheet_id, row, col, 1, "WRAP"))
    protection = read.history_protection
    if protection is not None and not protection.has_openings:
        reason = layout.HISTORY_READ_COLUMNS["reason"]
        requests.append(
            {
                "updateProtectedRange": {
                    "protectedRange": {
                        "protectedRangeId": protection.protected_range_id,
                        "unprotectedRanges": [
                            {
                                "sheetId": read.sheet_ids[layout.HISTORY_TAB],
                                "startRowIndex": 1,
                                "startColumnIndex": reason,
                                "endColumnIndex": reason + 1,
                            }
                        ],
                    },
                    "fields": "unprotectedRanges",
                }
            }
        )
    requests.append(rq.set_spreadsheet_metadata(layout.LAYOUT_KEY, layout.LAYOUT_VERSION))
    return requests


def _wrap(sheet_id: int, row: int, col: int, rows: int, strategy: str) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": rq.grid_range(sheet_id, row, col, rows=rows),
            "cell": {"userEnteredFormat": {"wrapStrategy": strategy}},
            "fields": "userEnteredFormat.wrapStrategy",
        }
    }
