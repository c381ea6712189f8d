"""Business days: weekends, national holidays of the plan's country, extra days off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.calendar import (
    BusinessCalendar,
    CalendarRangeError,
    UnknownCountryError,
)

D = date.fromisoformat
US = BusinessCalendar.get("US")


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2026-11-26", "Thanksgiving"),
        ("2026-12-25", "Christmas"),
        ("2027-01-01", "New Year's Day"),
        ("2027-07-05", "Independence Day observed on the Monday"),
        ("2026-11-28", "a Saturday"),
        ("2026-11-29", "a Sunday"),
    ],
)
def test_us_holidays_and_weekends_are_not_business_days(day: str, why: str) -> None:
    assert not US.is_business_day(D(day)), why


def test_the_day_after_thanksgiving_and_christmas_eve_are_us_business_days() -> None:
    assert US.is_business_day(D("2026-11-27"))
    assert US.is_business_day(D("2026-12-24"))


def test_state_holidays_are_not_national_holidays() -> None:
    # Cesar Chavez Day (California) on a Tuesday: a business day for a US plan.
    assert US.is_business_day(D("2026-03-31"))


def test_another_country_has_its_own_holidays() -> None:
    gb, de = BusinessCalendar.get("GB"), BusinessCalendar.get("DE")
    assert not gb.is_business_day(D("2026-12-28"))  # Boxing Day, observed on Monday
    assert US.is_business_day(D("2026-12-28"))
    assert not de.is_business_day(D("2026-04-06"))  # Easter Monday
    assert US.is_business_day(D("2026-04-06"))
    assert gb.is_business_day(D("2026-11-26"))  # no Thanksgiving in Britain


def test_a_plans_non_working_days_are_not_business_days() -> None:
    calendar = BusinessCalendar.get("US", [D("2026-12-24")])
    assert not calendar.is_business_day(D("2026-12-24"))
    assert calendar.prev_bd(D("2026-12-25")) == D("2026-12-23")
    assert US.is_business_day(D("2026-12-24"))  # other plans are not affected


def test_calendars_are_shared_per_country_and_days_off() -> None:
    assert BusinessCalendar.get("US") is BusinessCalendar.get("US", [])
    assert BusinessCalendar.get("US", [D("2026-12-24")]) is not BusinessCalendar.get("US")


def test_prev_and_next_keep_a_business_day_and_move_off_other_days() -> None:
    assert US.prev_bd(D("2026-11-25")) == D("2026-11-25")
    assert US.next_bd(D("2026-11-25")) == D("2026-11-25")
    assert US.prev_bd(D("2026-11-26")) == D("2026-11-25")  # Thanksgiving
    assert US.next_bd(D("2026-11-26")) == D("2026-11-27")
    assert US.prev_bd(D("2026-11-29")) == D("2026-11-27")  # Sunday
    assert US.next_bd(D("2026-11-28")) == D("2026-11-30")  # Saturday
    # New Year's Eve 2027 is the observed New Year's Day of 2028, a Friday.
    assert US.next_bd(D("2027-12-31")) == D("2028-01-03")


def test_sub_bd_starts_from_the_business_day_on_or_before() -> None:
    assert US.sub_bd(D("2026-11-30"), 0) == D("2026-11-30")
    assert US.sub_bd(D("2026-11-30"), 2) == D("2026-11-25")  # skips Thanksgiving
    assert US.sub_bd(D("2026-11-29"), 1) == D("2026-11-25")  # Sunday -> Fri 27, then back one
    assert US.sub_bd(D("2027-01-15"), 10) == D("2026-12-31")  # skips New Year's Day


def test_add_bd_starts_from_the_business_day_on_or_after() -> None:
    assert US.add_bd(D("2026-11-25"), 1) == D("2026-11-27")  # skips Thanksgiving
    assert US.add_bd(D("2026-11-28"), 0) == D("2026-11-30")  # Saturday -> Monday
    assert US.add_bd(D("2026-11-28"), 1) == D("2026-12-01")
    assert US.add_bd(D("2026-12-24"), 1) == D("2026-12-28")  # skips Christmas and a weekend


def test_bd_between_counts_business_days_after_the_first_up_to_the_second() -> None:
    assert US.bd_between(D("2026-11-25"), D("2026-11-30")) == 2  # Fri 27 and Mon 30
    assert US.bd_between(D("2026-11-30"), D("2026-11-25")) == 0
    assert US.bd_between(D("2026-11-25"), D("2026-11-25")) == 0
    assert US.bd_between(D("2026-11-28"), D("2026-11-29")) == 0  # a weekend


def test_stepping_many_years_away_and_back_returns_to_the_same_day() -> None:
    start = D("2026-06-01")
    far = US.add_bd(start, 5000)
    assert far.year >= 2045
    assert US.sub_bd(far, 5000) == start


def test_an_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownCountryError, match="XX"):
        BusinessCalendar.get("XX").is_business_day(D("2026-01-05"))


def test_dates_far_outside_the_calendar_are_an_error_not_a_crash() -> None:
    with pytest.raises(CalendarRangeError):
        US.sub_bd(D("2026-01-05"), 200_000)


def _naive_is_business_day(calendar: BusinessCalendar, day: date) -> bool:
    return day.weekday() < 5 and calendar.is_business_day(day)


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=D("2024-01-01"), max_value=D("2030-12-31")),
    n=st.integers(min_value=0, max_value=40),
)
def test_add_and_sub_bd_agree_with_stepping_one_day_at_a_time(day: date, n: int) -> None:
    forward = day
    while not _naive_is_business_day(US, forward):
        forward += timedelta(days=1)
    for _ in range(n):
        forward += timedelta(days=1)
        while not _naive_is_business_day(US, forward):
            forward += timedelta(days=1)
    assert US.add_bd(day, n) == forward

    back = day
    while not _naive_is_business_day(US, back):
        back -= timedelta(days=1)
    for _ in range(n):
        back -= timedelta(days=1)
        while not _naive_is_business_day(US, back):
            back -= timedelta(days=1)
    assert US.sub_bd(day, n) == back
    assert US.bd_between(back, day) == n
