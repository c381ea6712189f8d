"""The tests' one clock.

Every in-process test runs on :func:`make_clock`: a :class:`~service.clock.Clock` that
reads ``START`` when the test begins and ticks on from there. The backend, the store and
the emulator all read it (the ``clock`` fixture hands it to each), so a test's "today"
is the same everywhere and never depends on the day the suite runs; tests move it with
``clock.advance(days=8)``. Dates in tests derive from it (``today() + timedelta(...)``),
never from a literal that would one day be in the past.

Processes a test starts get the clock's offset (``Clock(offset)``). Tests of whole
programs (``python -m service serve``, the CLI) run on real time, as those programs do,
and derive their dates from the real today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from service.clock import Clock

# A Monday afternoon in UTC: the same business day in every time zone the tests use.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def make_clock() -> Clock:
    return Clock.starting_at(START)


def real_today() -> date:
    """Today on the real clock, for tests of whole programs that keep real time."""
    return datetime.now(UTC).date()


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)
