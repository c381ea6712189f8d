"""The Drive file version a sync leaves recorded, so that the sweep reads only MAPs whose
file changed since (docs/sync.md, "Invariants after a crash").

A sync records the version it saw *before* its read: any change after that (a person's
edit whose notification was lost, our own write) makes the file's version differ, and
the next sweep reads the sheet. After a write of ours the version moves on by our write
alone only when it went up by exactly one; then that version is recorded instead (else
the earlier one stays, and the next sweep reads the sheet once more: safe, a read dearer).
Drive answering nothing records nothing known (None), which the sweep takes as changed.
"""

from __future__ import annotations

import logging

from service.services.map_sheets import MapSheets
from service.sheets.errors import SheetsError

log = logging.getLogger(__name__)


def file_version(sheets: MapSheets, spreadsheet_id: str) -> str | None:
    """The file's version now; None when Drive does not say."""
    try:
        return sheets.file_version(spreadsheet_id)
    except SheetsError as exc:
        log.info("Drive version of %s: %s", spreadsheet_id, exc)
        return None


def after_own_write(sheets: MapSheets, spreadsheet_id: str, before: str | None) -> str | None:
    """The version to record after our write, ``before`` being the one seen before it."""
    if before is None:
        return None
    after = file_version(sheets, spreadsheet_id)
    try:
        ours_alone = after is not None and int(after) == int(before) + 1
    except ValueError:
        ours_alone = False
    return after if ours_alone else before
