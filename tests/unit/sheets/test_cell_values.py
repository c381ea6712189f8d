"""Reading what people type into a MAP: dates, statuses, sides."""

from __future__ import annotations

from datetime import date

import pytest

from service.sheets.cell_values import (
    UnreadableCell,
    date_notice,
    date_pattern,
    date_to_serial,
    read_date,
    read_side,
    read_status,
    serial_to_date,
    typed_value,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-01-05", date(2027, 1, 5)),
        ("1/5/2027", date(2027, 1, 5)),
        ("5 Jan 2027", date(2027, 1, 5)),
        ("Jan 5, 2027", date(2027, 1, 5)),
        ("January 5 2027", date(2027, 1, 5)),
        (46392, date(2027, 1, 5)),
        (46392.0, date(2027, 1, 5)),
    ],
)
def test_dates_are_read_however_people_type_them(typed: object, expected: date) -> None:
    assert read_date(typed, today=TODAY) == expected


def test_a_date_without_a_year_means_the_next_such_day_not_long_past() -> None:
    assert read_date("Jan 5", today=TODAY) == date(2027, 1, 5)
    # Six weeks ago is recent enough to be what the person meant.
    assert read_date("Oct 10", today=TODAY) == date(2026, 10, 10)
    # Four months ago is not: that day next year is.
    assert read_date("Jul 1", today=TODAY) == date(2027, 7, 1)


def test_empty_cells_have_no_date() -> None:
    assert read_date(None, today=TODAY) is None
    assert read_date("  ", today=TODAY) is None


@pytest.mark.parametrize("typed", ["next tuesday-ish", "5", "soon", True, 12, "13/45/2027"])
def test_what_is_not_a_date_is_refused_with_what_to_type(typed: object) -> None:
    with pytest.raises(UnreadableCell, match="2027-01-05"):
        read_date(typed, today=TODAY)


def test_serial_numbers_round_trip() -> None:
    day = date(2027, 3, 31)
    assert serial_to_date(date_to_serial(day)) == day
    assert date_to_serial(date(1899, 12, 31)) == 1


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("✅ Done", "Done"),
        ("🟡 In Progress", "In progress"),
        ("⚪ Pending", "Not started"),
        ("COMPLETE", "Done"),
        ("n/a", "N/A"),
        ("", "Not started"),
        (None, "Not started"),
    ],
)
def test_statuses_are_read_in_any_case_and_with_emoji(typed: object, status: str) -> None:
    assert read_status(typed) == status


def test_an_unknown_status_names_the_choices() -> None:
    with pytest.raises(UnreadableCell, match="Not started, In progress, Done, Blocked or N/A"):
        read_status("almost")


def test_sides_accept_the_words_people_use() -> None:
    assert read_side("Customer", default="seller") == "buyer"
    assert read_side("vendor", default="buyer") == "seller"
    assert read_side("", default="joint") == "joint"
    with pytest.raises(UnreadableCell):
        read_side("legal", default="seller")


def test_a_formula_a_person_typed_is_read_as_its_text() -> None:
    cell = {
        "userEnteredValue": {"formulaValue": '=IMPORTXML("http://x", "//a")'},
        "effectiveValue": {"errorValue": {"type": "ERROR"}},
    }
    assert typed_value(cell) == '=IMPORTXML("http://x", "//a")'


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        (20270304, "'20270304'"),
        (20270304.0, "'20270304'"),
        (99999999999.0, "'99999999999'"),
        (-700000, "'-700000'"),
        (float("inf"), "'inf'"),
        (float("nan"), "'nan'"),
    ],
)
def test_a_number_beyond_any_date_is_refused_quoting_what_was_typed(
    typed: float, quoted: str
) -> None:
    with pytest.raises(UnreadableCell) as refused:
        read_date(typed, today=TODAY)

    assert str(refused.value).startswith(f"{quoted} is not a date")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de_DE", date(2027, 3, 4)),
        ("en_GB", date(2027, 3, 4)),
        ("fr_FR", date(2027, 3, 4)),
        ("en_US", date(2027, 4, 3)),
    ],
)
def test_a_typed_date_is_read_in_the_order_of_the_spreadsheets_locale(
    locale: str, expected: date
) -> None:
    for typed in ("04.03.2027", "04/03/2027", "4-3-2027"):
        assert read_date(typed, today=TODAY, locale=locale) == expected


def test_an_ambiguous_date_gets_a_notice_quoting_what_was_typed() -> None:
    day = read_date("04.03.2027", today=TODAY, locale="de_DE")
    assert day is not None

    notice = date_notice("04.03.2027", day, locale="de_DE")

    assert notice == (
        "'04.03.2027' was read as 4 March 2027, not 3 April 2027: this spreadsheet's "
        "locale (de_DE) puts the day first. To be sure, type 2027-03-04."
    )
    us = date_notice("04.03.2027", date(2027, 4, 3), locale="en_US")
    assert us is not None and "puts the month first" in us


@pytest.mark.parametrize("typed", ["2027-03-04", "25.03.2027", "03.03.2027", "Mar 4, 2027", 46450])
def test_a_date_that_can_be_read_one_way_only_gets_no_notice(typed: object) -> None:
    day = read_date(typed, today=TODAY, locale="de_DE")
    assert day is not None
    assert date_notice(typed, day, locale="de_DE") is None


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("en_US", "mmm d, yyyy"),
        ("de_DE", "d mmm yyyy"),
        ("en_GB", "d mmm yyyy"),
        ("ja_JP", "yyyy-mm-dd"),
        ("", "mmm d, yyyy"),
    ],
)
def test_the_backends_dates_follow_the_order_of_the_spreadsheets_locale(
    locale: str, pattern: str
) -> None:
    assert date_pattern(locale) == pattern
