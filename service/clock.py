"""The one clock of a process: real time, moved by an offset.

Everything that asks "what time is it" (the use cases, the store's leases and
timestamps, the web layer) asks the same :class:`Clock`, built once by whoever starts
the process. ``serve`` and production keep the offset at zero; tests start the clock at
an instant of their choosing and move it, and hand the same offset to the processes
they start, so every part of a test agrees on the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass
class Clock:
    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        """Now, timezone-aware (UTC)."""
        return datetime.now(UTC) + self.offset

    @classmethod
    def starting_at(cls, instant: datetime) -> Clock:
        """A clock that reads ``instant`` now and ticks on from there."""
        if instant.tzinfo is None:
            raise ValueError("the clock's start must be timezone-aware")
        return cls(instant - datetime.now(UTC))

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward (``days=8``, ``hours=1``, ...); returns the new now."""
        self.offset += timedelta(**delta)
        return self()

    def set(self, instant: datetime) -> None:
        """Make the clock read ``instant`` now (it ticks on from there)."""
        self.offset = instant - datetime.now(UTC)


# A new spreadsheet's time zone when nobody chose one (Google's API default is UTC's).
DEFAULT_TIME_ZONE = "Etc/GMT"


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone name (``Europe/Berlin``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def local_today(now: datetime, time_zone: str) -> date:
    """The date at ``now`` in ``time_zone`` (an IANA name); UTC's when the zone is unknown.
    A MAP's days are its spreadsheet's: that is where people read "today"."""
    if not is_time_zone(time_zone):
        return now.date()
    return now.astimezone(ZoneInfo(time_zone)).date()
