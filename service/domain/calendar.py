"""Business days: Monday to Friday, minus a country's national public holidays and a
plan's own non-working days.

Holidays come from the ``holidays`` package (no subdivision, so national holidays
only) and are cached per country and year for the life of the process. Each
:class:`BusinessCalendar` keeps an index over a range of whole years: the sorted
business days and, for every calendar day, the position of the business day on or
before it. Stepping n business days is then two list look-ups; the range grows by
whole years when a date falls outside it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays

# The years the calendar can reason about; a schedule that runs outside them is an
# input problem (absurd lead times), reported by the engine as such.
MIN_YEAR = 1800
MAX_YEAR = 2500
# Calendars for distinct (country, non-working days) pairs kept at once.
_MAX_CALENDARS = 256

_lock = threading.Lock()
_holiday_years: dict[tuple[str, int], frozenset[int]] = {}
_calendars: OrderedDict[tuple[str, frozenset[int]], BusinessCalendar] = OrderedDict()


class CalendarRangeError(ValueError):
    """A date computation left the years the calendar supports."""


class UnknownCountryError(ValueError):
    """The ``holidays`` package has no calendar for this country code."""


def supported_countries() -> frozenset[str]:
    """Country codes the ``holidays`` package knows (alpha-2, alpha-3 and aliases)."""
    return frozenset(holidays.list_supported_countries())


def _national_holidays(country: str, year: int) -> frozenset[int]:
    key = (country, year)
    cached = _holiday_years.get(key)
    if cached is None:
        try:
            days = holidays.country_holidays(country, years=year)
        except NotImplementedError:
            raise UnknownCountryError(f"no holiday calendar for country {country!r}") from None
        cached = frozenset(d.toordinal() for d in days)
        _holiday_years[key] = cached
    return cached


@dataclass(frozen=True, slots=True)
class _Index:
    first_year: int
    last_year: int
    start: int  # ordinal of 1 January of first_year
    end: int  # ordinal of 31 December of last_year
    days: list[int]  # ordinals of the business days, ascending
    # at[o - start]: position in ``days`` of the last business day <= o (-1 if none)
    at: list[int]


class BusinessCalendar:
    """Business-day arithmetic for one country and one set of extra non-working days."""

    def __init__(self, country: str, non_working_days: Iterable[date] = ()) -> None:
        self.country = country
        self._extra = frozenset(d.toordinal() for d in non_working_days)
        self._grow_lock = threading.Lock()
        self._index: _Index | None = None

    @classmethod
    def get(cls, country: str, non_working_days: Iterable[date] = ()) -> BusinessCalendar:
        """The shared calendar for this country and these non-working days."""
        key = (country, frozenset(d.toordinal() for d in non_working_days))
        with _lock:
            calendar = _calendars.get(key)
            if calendar is not None:
                _calendars.move_to_end(key)
                return calendar
        calendar = cls(country, (date.fromordinal(o) for o in key[1]))
        with _lock:
            existing = _calendars.setdefault(key, calendar)
            _calendars.move_to_end(key)
            while len(_calendars) > _MAX_CALENDARS:
                _calendars.popitem(last=False)
        return existing

    # -- queries -------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        o = day.toordinal()
        ix = self._covering(o, o)
        i = ix.at[o - ix.start]
        return i >= 0 and ix.days[i] == o

    def prev_bd(self, day: date) -> date:
        """``day`` if it is a business day, else the business day before it."""
        return self.sub_bd(day, 0)

    def next_bd(self, day: date) -> date:
        """``day`` if it is a business day, else the business day after it."""
        return self.add_bd(day, 0)

    def sub_bd(self, day: date, n: int) -> date:
        """Start at prev_bd(day) and step back ``n`` business days."""
        o = day.toordinal()
        ix = self._covering(o, o)
        i = ix.at[o - ix.start] - n
        while i < 0:
            ix = self._grow_back(ix, -i)
            i = ix.at[o - ix.start] - n
        return date.fromordinal(ix.days[i])

    def add_bd(self, day: date, n: int) -> date:
        """Start at next_bd(day) and step forward ``n`` business days."""
        o = day.toordinal()
        ix = self._covering(o, o)
        i = ix.at[o - ix.start]
        if i < 0 or ix.days[i] != o:
            i += 1  # the next business day
        i += n
        while i >= len(ix.days):
            ix = self._grow_forward(ix, i - len(ix.days) + 1)
            i = ix.at[o - ix.start]
            if i < 0 or ix.days[i] != o:
                i += 1
            i += n
        return date.fromordinal(ix.days[i])

    def bd_between(self, after: date, upto: date) -> int:
        """How many business days d there are with ``after < d <= upto`` (0 if none)."""
        a, b = after.toordinal(), upto.toordinal()
        if b <= a:
            return 0
        ix = self._covering(a, b)
        return ix.at[b - ix.start] - ix.at[a - ix.start]

    # -- the index -------------------------------------------------------------

    def _covering(self, low: int, high: int) -> _Index:
        ix = self._index
        if ix is not None and ix.start <= low and high <= ix.end:
            return ix
        return self._extend(date.fromordinal(low).year, date.fromordinal(high).year)

    def _grow_back(self, ix: _Index, missing_days: int) -> _Index:
        years = missing_days // 250 + 1
        return self._extend(ix.first_year - years, ix.last_year)

    def _grow_forward(self, ix: _Index, missing_days: int) -> _Index:
        years = missing_days // 250 + 1
        return self._extend(ix.first_year, ix.last_year + years)

    def _extend(self, first_year: int, last_year: int) -> _Index:
        with self._grow_lock:
            if first_year < MIN_YEAR or last_year > MAX_YEAR:
                raise CalendarRangeError(f"dates must stay between {MIN_YEAR} and {MAX_YEAR}")
            ix = self._index
            if ix is not None:
                first_year = min(first_year, ix.first_year)
                last_year = max(last_year, ix.last_year)
                if first_year == ix.first_year and last_year == ix.last_year:
                    return ix
            else:
                # Room around the first date asked for: plans span months, not years.
                first_year = max(first_year - 1, MIN_YEAR)
                last_year = min(last_year + 1, MAX_YEAR)
            ix = self._build(first_year, last_year)
            self._index = ix  # one assignment: readers see the old or the new index
            return ix

    def _build(self, first_year: int, last_year: int) -> _Index:
        with _lock:
            off: set[int] = set(self._extra)
            for year in range(first_year, last_year + 1):
                off.update(_national_holidays(self.country, year))
        start = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        days: list[int] = []
        at: list[int] = []
        position = -1
        # date.fromordinal(1) is a Monday, so (o - 1) % 7 is the weekday (0 = Monday).
        weekday = (start - 1) % 7
        for o in range(start, end + 1):
            if weekday < 5 and o not in off:
                days.append(o)
                position += 1
            at.append(position)
            weekday = 0 if weekday == 6 else weekday + 1
        return _Index(first_year, last_year, start, end, days, at)
