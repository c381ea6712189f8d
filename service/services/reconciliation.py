"""When a MAP's sheet is read back to reconcile (DESIGN I8), spread over the week.

The daily rollover recomputes a MAP from its snapshot without reading the sheet; once in
a while the sheet is read anyway, to catch an edit whose notification was lost and that
Drive's version check did not see. Reading every MAP a week after its last read puts the
reads wherever the last reads were: after an import, an outage or the first week of a
deployment, all at once (1,000 MAPs, 750-1,300 Sheets calls in a minute, far over the
60 a minute of the backend's account).

Instead each MAP has its own hour of the week, its *slot*: a stable hash of its
spreadsheet id, 0-167 hours after Monday 00:00 UTC. The sheet is read at the first start
of its slot that comes at least ``MIN_GAP`` (half a week) after the last read. So:

- 1,000 MAPs are read about 6 an hour (1,000 / 168), whenever their last reads were;
- a MAP left alone is read once a week, at its slot;
- a MAP read for any other reason (an edit, Refresh) is not read again for at least
  half a week, and at most a week and a half after its last read;
- any sweep that runs after the slot's start reads it (a missed hourly sweep only
  delays the read to the next one).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

SLOTS_PER_WEEK = 7 * 24
SLOT = timedelta(hours=1)
WEEK = timedelta(days=7)
# The shortest time between a read and the reconciliation after it.
MIN_GAP = timedelta(days=3, hours=12)
# A Monday, 00:00 UTC: weeks (and so slots) are counted from here.
_WEEK_ORIGIN = datetime(2024, 1, 1, tzinfo=UTC)


def reconcile_slot(spreadsheet_id: str) -> int:
    """The MAP's hour of the week (0: Monday 00:00-01:00 UTC, 167: Sunday 23:00-24:00),
    the same on every instance and release (a digest, not Python's ``hash``)."""
    digest = hashlib.sha256(spreadsheet_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % SLOTS_PER_WEEK


def next_reconciliation(spreadsheet_id: str, last_read_at: datetime) -> datetime:
    """The start of the MAP's first slot at least ``MIN_GAP`` after ``last_read_at``."""
    earliest = last_read_at + MIN_GAP
    weeks = (earliest - _WEEK_ORIGIN) // WEEK
    start = _WEEK_ORIGIN + weeks * WEEK + reconcile_slot(spreadsheet_id) * SLOT
    return start if start >= earliest else start + WEEK


def reconciliation_due(spreadsheet_id: str, last_read_at: datetime | None, now: datetime) -> bool:
    """Whether the sheet should be read back now (never read: yes)."""
    if last_read_at is None:
        return True
    return now >= next_reconciliation(spreadsheet_id, last_read_at)
