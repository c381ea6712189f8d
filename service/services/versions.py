"""The Drive file version a sync leaves recorded, so that the sweep reads only MAPs whose
file changed since (docs/sync.md, "Invariants after a crash").

A sync records the version it saw *before* its read: any change after that (a person's
edit whose notification was lost, our own write) makes the file's version differ, and
the next sweep reads the sheet. After a write of ours the version moves on by our write
alone only when it went up by exactly one; then that version is recorded instead (else
the earlier one stays, and the next sweep reads the sheet once more: safe, a read dearer).
Drive answering nothing records nothing known (None), which the sweep takes as changed.

The same rule names who made a change (docs/sheet.md, "Who changed what, without the
add-on's trigger"): when the version seen before a sync's read is one past the recorded
one, one change was made to the file since, and Drive's ``lastModifyingUser`` made it.
When that change came after the last read began, and Drive, asked again once the read
has ended, still shows that version (nothing landed between the check and the read),
it is the only revision the revision history could show for the changes this read
finds, so it is taken as that history: a ``files.get`` whose reply does not grow in
place of a ``revisions.list`` that pages through the file's whole history.
"""

from __future__ import annotations

import logging
from datetime import datetime

from service.services.map_sheets import FileVersion, MapSheets, Revision
from service.sheets.errors import SheetsError

log = logging.getLogger(__name__)


def drive_file(sheets: MapSheets, spreadsheet_id: str) -> FileVersion | None:
    """The file's version now, and its latest change; None when Drive does not say."""
    try:
        return sheets.file_version(spreadsheet_id)
    except SheetsError as exc:
        log.info("Drive version of %s: %s", spreadsheet_id, exc)
        return None


def file_version(sheets: MapSheets, spreadsheet_id: str) -> str | None:
    """The file's version now; None when Drive does not say."""
    seen = drive_file(sheets, spreadsheet_id)
    return None if seen is None else seen.version


def after_own_write(sheets: MapSheets, spreadsheet_id: str, before: str | None) -> str | None:
    """The version to record after our write, ``before`` being the one seen before it."""
    if before is None:
        return None
    after = file_version(sheets, spreadsheet_id)
    return after if _one_past(after, before) else before


def sole_change(
    recorded: str | None, seen: FileVersion | None, last_read_at: datetime | None
) -> FileVersion | None:
    """``seen`` when this version check says exactly one change was made to the file
    since the ``recorded`` version, after the last read began (``last_read_at``), and
    names who made it; else None (ask the revision history)."""
    if seen is None or recorded is None or last_read_at is None:
        return None
    if seen.modified_at is None or not seen.modified_by:
        return None
    if seen.modified_at < last_read_at or not _one_past(seen.version, recorded):
        return None
    return seen


def only_change(
    sheets: MapSheets, spreadsheet_id: str, sole: FileVersion | None
) -> Revision | None:
    """The revision history a read found ``sole`` (see :func:`sole_change`) to be all of,
    as one revision, when Drive, asked again now the read has ended, still shows that
    version (one Drive call); else None (ask the revision history)."""
    if sole is None or sole.modified_at is None:
        return None
    if file_version(sheets, spreadsheet_id) != sole.version:
        return None
    return Revision(at=sole.modified_at, email=sole.modified_by)


def _one_past(version: str | None, earlier: str) -> bool:
    try:
        return version is not None and int(version) == int(earlier) + 1
    except ValueError:
        return False
