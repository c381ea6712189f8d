"""The emulator's clock: what "now" is for Drive's file times, watch channel expiry and
the ``TODAY()``/``NOW()`` formulas.

Real time unless told otherwise. A test that runs the emulator in its own process
hands it the test's clock (:meth:`EmulatorClock.follow`); over HTTP,
``/__emulator/clock`` sets it (see :mod:`emulator.control`). The preview and
``python -m service serve`` keep real time. Credentials (ID and access tokens) are not
on this clock: the Google client libraries check them against the real one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


class EmulatorClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._source: Callable[[], datetime] | None = None

    def now(self) -> datetime:
        """Now, timezone-aware (UTC)."""
        source = self._source
        if source is not None:
            return source()
        return datetime.now(UTC) + self._offset

    def ms(self) -> int:
        """Now in milliseconds since the epoch (Drive's channel expirations)."""
        return int(self.now().timestamp() * 1000)

    def rfc3339(self) -> str:
        """Drive's timestamp format: UTC with milliseconds and a Z."""
        now = self.now().astimezone(UTC)
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    def follow(self, source: Callable[[], datetime] | None) -> None:
        """Read the time from ``source`` (None: back to real time)."""
        with self._lock:
            self._source = source
            self._offset = timedelta(0)

    def set(self, instant: datetime) -> None:
        """Read ``instant`` now and tick on from there."""
        if instant.tzinfo is None:
            raise ValueError("the instant must carry a time zone")
        with self._lock:
            self._source = None
            self._offset = instant - datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._source is not None:
                raise ValueError("this clock follows another; move that one")
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        """Back to real time."""
        self.follow(None)

    def to_json(self) -> dict[str, object]:
        return {
            "now": self.now().isoformat(),
            "offset_s": (self.now() - datetime.now(UTC)).total_seconds(),
            "real": self._source is None and not self._offset,
        }


# The clock of the request being served: formulas (``TODAY()``) read it, as they have
# no other way to the state. Outside a request it is real time.
_REAL = EmulatorClock()
current: ContextVar[EmulatorClock] = ContextVar("emulator_clock", default=_REAL)
