"""Reading what people type into a MAP, tolerantly, and writing values back.

People type dates as "Jan 5", "2027-01-05", "1/5/2027" or "5 Jan 2027", or Sheets turns
them into serial numbers (days since 1899-12-30); statuses come in any case, with emoji
("✅ Done"); sides as "Buyer", "customer", "vendor". A value that cannot be read raises
:class:`UnreadableCell`, whose message tells the person what to type instead.

A cell arrives as Google's ``CellData`` JSON; :func:`cell_text` and :func:`cell_number`
give its typed value whatever render option was used.

Text the backend writes goes through :func:`neutralised` (OWASP's advice on CSV
injection): a tab exported as CSV and opened in Excel or LibreOffice never runs a
person's words as a formula. :func:`read_text` takes that quote off again, so a title
the backend laid out reads back as it was typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as date_parser

from service.domain.parse import parse_status

SERIAL_EPOCH = date(1899, 12, 30)
# Serial numbers outside these years are not dates a MAP would hold.
_MIN_YEAR, _MAX_YEAR = 2000, 2100
# A string must look like a date before dateutil sees it: digits with separators, or a
# month name. dateutil alone would read "5" as the 5th of this month.
_DATE_SHAPE = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?"
    r"|.*\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b.*)\s*$",
    re.IGNORECASE,
)
_SIDES = {
    "buyer": "buyer",
    "customer": "buyer",
    "client": "buyer",
    "seller": "seller",
    "vendor": "seller",
    "supplier": "seller",
    "joint": "joint",
    "both": "joint",
    "shared": "joint",
}


# What makes a spreadsheet program read a CSV field as a formula (OWASP, "CSV Injection"):
# =, +, -, @, and tab or carriage return before them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralised(text: str) -> str:
    """``text`` as the backend writes it into a cell: prefixed with a single quote when it
    starts with a formula trigger, so that no program opening an export of the tab runs
    it (the cell stays text in Sheets either way: the backend writes ``stringValue``)."""
    return NEUTRALISER + text if text.startswith(FORMULA_TRIGGERS) else text


# Google refuses a cell over 50,000 characters (400 INVALID_ARGUMENT, the whole write);
# what the backend writes is cut below that, visibly.
MAX_CELL_CHARS = 50_000
CUT_MARK = " […]"


def capped(text: str) -> str:
    """``text`` cut to fit in one cell, ending in a mark that says it was cut."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    return text[: MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK


def unneutralised(text: str) -> str:
    """What :func:`neutralised` was given."""
    if text.startswith(NEUTRALISER) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


class UnreadableCell(ValueError):
    """A cell whose value cannot be read; the message says what to type instead."""


def cell_text(cell: dict[str, Any] | None) -> str:
    """The cell's value as a person sees it (formatted), or its typed string."""
    if not cell:
        return ""
    formatted = cell.get("formattedValue")
    if isinstance(formatted, str):
        return formatted
    for source in ("effectiveValue", "userEnteredValue"):
        value = cell.get(source)
        if isinstance(value, dict) and value:
            return _extended_value_text(value)
    return ""


def typed_value(cell: dict[str, Any] | None) -> Any:
    """The cell's underlying value: a number, bool, str, or None when empty.

    A formula a person typed counts as its text (we never evaluate or write back
    formulas; DESIGN I6).
    """
    if not cell:
        return None
    entered = cell.get("userEnteredValue") or {}
    if "formulaValue" in entered:
        return str(entered["formulaValue"])
    value = cell.get("effectiveValue") or entered
    if not value:
        return None
    for key in ("numberValue", "boolValue", "stringValue"):
        if key in value:
            return value[key]
    if "errorValue" in value:
        return cell.get("formattedValue") or "#ERROR!"
    return None


def _extended_value_text(value: dict[str, Any]) -> str:
    if "stringValue" in value:
        return str(value["stringValue"])
    if "numberValue" in value:
        number = value["numberValue"]
        return str(int(number)) if float(number).is_integer() else str(number)
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "formulaValue" in value:
        return str(value["formulaValue"])
    return ""


def serial_to_date(serial: float) -> date:
    return SERIAL_EPOCH + timedelta(days=int(serial))


def date_to_serial(day: date) -> int:
    return (day - SERIAL_EPOCH).days


# Locales whose short dates put the month first, or the year first; every other locale
# puts the day first (04.03.2027 in de_DE, 04/03/2027 in en_GB: 4 March).
_MONTH_FIRST_LOCALES = frozenset({"en_US", "es_US", "en_PH", "fil_PH", "en_PR", "es_PR"})
_YEAR_FIRST_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "lt", "mn"})
# Day and month as numbers, both 12 or less: which is which depends on the locale.
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\s*$")


def date_order(locale: str) -> str:
    """How the spreadsheet's locale writes short dates: "MDY", "DMY" or "YMD"."""
    name = (locale or "en_US").replace("-", "_")
    if name in _MONTH_FIRST_LOCALES:
        return "MDY"
    if name.split("_")[0] in _YEAR_FIRST_LANGUAGES:
        return "YMD"
    return "DMY"


# How a date the backend writes is shown, by the order the locale writes dates in: the
# month's short name keeps a date unambiguous to both sides ("Mar 4, 2027" in en_US,
# "4 Mar 2027" in de_DE or en_GB; Google shows the month's name in the locale's
# language), and year-first locales get ISO dates.
_DATE_PATTERNS = {"MDY": "mmm d, yyyy", "DMY": "d mmm yyyy", "YMD": "yyyy-mm-dd"}


def date_pattern(locale: str) -> str:
    """The number-format pattern of the dates the backend writes in a spreadsheet of
    ``locale`` (docs/sheet.md, "Dates")."""
    return _DATE_PATTERNS[date_order(locale)]


def date_notice(value: Any, day: date, *, locale: str) -> str | None:
    """What to tell the person when ``value`` (as typed) could be another date than the
    ``day`` it was read as (04.03.2027: 4 March or 3 April); None when it is plain."""
    if not isinstance(value, str):
        return None
    match = _NUMERIC_DATE.match(value)
    if match is None:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first == second or first > 12 or second > 12:
        return None
    try:
        other = day.replace(month=day.day, day=day.month)
    except ValueError:
        return None
    which = "month" if date_order(locale) == "MDY" else "day"
    return (
        f"'{value.strip()}' was read as {_long(day)}, not {_long(other)}: this "
        f"spreadsheet's locale ({locale}) puts the {which} first. To be sure, type "
        f"{day.isoformat()}."
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def read_date(value: Any, *, today: date, locale: str = "en_US") -> date | None:
    """A date from a serial number or a typed string; None when empty. A typed date
    whose day and month are both numbers is read in the order of the spreadsheet's
    ``locale`` (:func:`date_notice` says when that was a guess).

    A string without a year ("Jan 5") means the first such day on or after 90 days
    before today: MAP dates lie ahead, but a step finished last month is still
    typed without a year.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UnreadableCell("a date is needed here, like 2027-01-05 or Jan 5, 2027")
    if isinstance(value, int | float):
        try:
            serial_day: date | None = serial_to_date(value)
        except (OverflowError, ValueError):  # beyond any date (20270304), or not a number
            serial_day = None
        if serial_day is None or not _MIN_YEAR <= serial_day.year <= _MAX_YEAR:
            raise UnreadableCell(
                f"'{read_text(value)}' is not a date; type one like 2027-01-05 or Jan 5, 2027"
            )
        return serial_day
    text = str(value).strip()
    if not text:
        return None
    if not _DATE_SHAPE.match(text):
        raise UnreadableCell(f"'{text}' is not a date; type one like 2027-01-05 or Jan 5, 2027")
    try:
        order = date_order(locale)
        options = {"dayfirst": order == "DMY", "yearfirst": order == "YMD"}
        first = date_parser.parse(text, default=datetime(2000, 1, 1), **options).date()
        second = date_parser.parse(text, default=datetime(2004, 1, 1), **options).date()
    except (ValueError, OverflowError) as exc:
        raise UnreadableCell(
            f"'{text}' is not a date; type one like 2027-01-05 or Jan 5, 2027"
        ) from exc
    day: date
    if first == second:
        day = first
    else:  # no year typed
        floor = today - timedelta(days=90)
        day = _with_year(first, floor.year)
        if day < floor:
            day = _with_year(first, floor.year + 1)
    if not _MIN_YEAR <= day.year <= _MAX_YEAR:
        raise UnreadableCell(f"'{text}' is out of range; type a date like 2027-01-05")
    return day


def _with_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return day.replace(year=year, day=28)


def read_status(value: Any) -> str:
    """A status name as the plan contract spells it; empty means Not started."""
    text = "" if value is None else str(value).strip()
    if not text:
        return "Not started"
    try:
        return str(parse_status(text))
    except ValueError as exc:
        raise UnreadableCell(
            f"'{text}' is not a status; pick Not started, In progress, Done, Blocked or N/A"
        ) from exc


def read_side(value: Any, *, default: str) -> str:
    """buyer | seller | joint from what was typed; empty keeps ``default``."""
    text = "" if value is None else str(value).strip()
    if not text:
        return default
    word = re.sub(r"[^a-z]", "", text.casefold())
    if word in _SIDES:
        return _SIDES[word]
    raise UnreadableCell(f"'{text}' is not a side; pick Buyer, Seller or Joint")


def read_text(value: Any) -> str:
    """Free text as typed (numbers as a person would write them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralised(str(value)).strip()
