"""Turning the values clients write into cell contents (``ValueInputOption``).

``RAW`` stores values as given: strings stay strings (``"=1+1"`` and ``"2027-01-05"``
too), numbers and booleans keep their type.

``USER_ENTERED`` reads a string as if typed into Sheets (en_US, except for the order of
a date's day and month, which is the spreadsheet's locale's):

- ``=...`` is a formula (function names and references upper-cased);
- a leading ``'`` forces text (the apostrophe is not stored);
- ``TRUE``/``FALSE`` in any case are booleans;
- numbers: ``42``, ``0042``, ``-3.5``, ``1e3``, ``2,000,000.01`` (``#,##0.00``),
  ``50%`` (``0%``), ``$1,234.50`` (currency);
- dates become serial numbers with a date format that keeps the way they were typed:
  ``1/5/2027`` (``M/d/yyyy``), ``2027-01-05`` (``yyyy-mm-dd``), ``Jan 5, 2027``
  (``mmm d, yyyy``), ``January 5, 2027``, ``5 Jan 2027`` (``d mmm yyyy``), with an
  optional time (``1/5/2027 14:30``); times alone (``14:30``, ``2:30 PM``). A date of
  numbers only, separated by ``/`` or ``.``, is read in the order of the spreadsheet's
  locale (``locales.py``): ``3/4/2027`` is 4 March in en_US, 3 April in en_GB,
  ``04.03.2027`` is 4 March in de_DE (format ``dd.MM.yyyy``, as typed); one that is no
  date in that order (``3/13/2027`` in en_GB) stays text, and so does a dotted one
  with a two-digit year (``1.2.30``);
- text starting with ``+`` or ``-`` that reads as a formula becomes one (``-A1``), as
  typing it into Sheets does; anything else is text.

The number format a value implies is applied only to a cell without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from emulator.sheets import formula_parser as fp
from emulator.sheets.formula_functions import known_function
from emulator.sheets.locales import DEFAULT_LOCALE, day_first
from emulator.sheets.model import Json
from emulator.sheets.number_format import json_number, serial_from_datetime

RAW = "RAW"
USER_ENTERED = "USER_ENTERED"

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))\s*%$")
_CURRENCY = re.compile(r"^([+-]?)\$\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?"
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
# Day and month as numbers (their order is the locale's), then the year.
# With dots, only a four-digit year: "1.2.30" stays text (a version number, not 1930).
_NUMERIC_DATE = re.compile(r"^(\d{1,2})(?:(/)(\d{1,2})/(\d{4}|\d{2})|(\.)(\d{1,2})\.(\d{4}))(?!\d)")
_DATE_FORMS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd", "yyyy-mm-dd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"), "ymd", "yyyy/mm/dd"),
    (re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})(?!\d)"), "ymd", "yyyy.mm.dd"),
    (re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})"), "Mdy", "mmm d, yyyy"),
    (re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4})"), "dMy", "d mmm yyyy"),
]


# Google's limit on one cell: a value or formula longer than this is refused (400
# INVALID_ARGUMENT) with this message, also through batchUpdate.
MAX_CELL_CHARS = 50_000
CELL_TOO_LONG = (
    f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."
)


class CellTooLong(ValueError):
    def __init__(self) -> None:
        super().__init__(CELL_TOO_LONG)


def check_cell_size(entered: Json | None) -> None:
    """:class:`CellTooLong` when ``entered`` (a userEnteredValue) is over Google's limit."""
    for key in ("stringValue", "formulaValue"):
        if entered and len(str(entered.get(key, ""))) > MAX_CELL_CHARS:
            raise CellTooLong()


class InvalidValue(ValueError):
    """A value of a type the API does not take in a cell (a list, an object)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def parse_value(
    value: Any, option: str, locale: str = DEFAULT_LOCALE
) -> tuple[Json | None, Json | None]:
    """(userEnteredValue or None to clear the cell, number format it implies), with a
    typed date read in the order of the spreadsheet's ``locale``."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": json_number(value)}, None
    if isinstance(value, dict):
        raise InvalidValue("struct_value")
    if isinstance(value, list):
        raise InvalidValue("list_value")
    text = str(value)
    if text == "":
        return None, None
    check_cell_size({"stringValue": text})
    if option == RAW:
        return {"stringValue": text}, None
    return _typed(text, locale)


def normal_formula(formula: str) -> str:
    """The formula as Google stores it: known function names and references
    upper-cased (``=sum(a1:a3)`` reads back as ``=SUM(A1:A3)``), a one-cell range
    written as the cell (``B1:B1`` is ``B1``); the name of an unknown function stays as
    typed."""
    try:
        tokens = fp.tokenize(formula[1:])
    except fp.FormulaSyntaxError:
        return formula
    out = []
    for i, tok in enumerate(tokens):
        text = tok.text
        if tok.kind == "ref":
            sheet, bang, cells = text.rpartition("!")
            corners = cells.upper().split(":")
            if len(corners) == 2 and corners[0] == corners[1] and corners[0][-1:].isdigit():
                corners = corners[:1]
            text = sheet + bang + ":".join(corners)
        elif tok.kind == "name":
            following = next((t for t in tokens[i + 1 :] if t.kind != "ws"), None)
            is_call = following is not None and following.text == "("
            if (is_call and known_function(text)) or text.upper() in ("TRUE", "FALSE"):
                text = text.upper()
        out.append(text)
    return "=" + "".join(out)


def _typed(text: str, locale: str = DEFAULT_LOCALE) -> tuple[Json | None, Json | None]:
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": normal_formula(text)}, None
    stripped = text.strip()
    upper = stripped.upper()
    if upper in ("TRUE", "FALSE"):
        return {"boolValue": upper == "TRUE"}, None
    number = _number(stripped)
    if number is not None:
        return {"numberValue": number[0]}, number[1]
    moment = _date_time(stripped, locale)
    if moment is not None:
        return {"numberValue": moment[0]}, moment[1]
    if stripped[:1] in ("+", "-") and _reads_as_formula("=" + stripped):
        return {"formulaValue": normal_formula("=" + stripped)}, None
    return {"stringValue": text}, None


def _reads_as_formula(formula: str) -> bool:
    try:
        fp.parse(formula)
    except fp.FormulaSyntaxError:
        return False
    return True


def _number(text: str) -> tuple[float | int, Json | None] | None:
    if _NUMBER.match(text):
        value = float(text)
        return (int(value) if value.is_integer() and "e" not in text.lower() else value), None
    if _GROUPED.match(text):
        pattern = "#,##0.00" if "." in text else "#,##0"
        return _num(float(text.replace(",", ""))), {"type": "NUMBER", "pattern": pattern}
    match = _PERCENT.match(text)
    if match:
        digits = match.group(1)
        pattern = "0.00%" if "." in digits else "0%"
        return _num(float(digits) / 100), {"type": "PERCENT", "pattern": pattern}
    match = _CURRENCY.match(text)
    if match:
        sign, whole, frac = match.group(1), match.group(2), match.group(3) or ""
        value = float(whole.replace(",", "") + frac) * (-1 if sign == "-" else 1)
        pattern = '"$"#,##0.00' if frac else '"$"#,##0'
        return _num(value), {"type": "CURRENCY", "pattern": pattern}
    return None


def _num(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def _date_forms(
    text: str, locale: str
) -> Iterator[tuple[re.Match[str], str, str, tuple[str, ...]]]:
    """Each date form ``text`` starts with: (match, order, pattern, year-month-day parts
    in the form's order)."""
    match = _NUMERIC_DATE.match(text)
    if match is not None:
        first = match.group(1)
        sep, second, year = match.groups()[1:4] if match.group(2) else match.groups()[4:7]
        if day_first(locale):
            day_part = "dd" if len(first) == 2 else "d"
            month_part = "MM" if len(second) == 2 else "M"
            yield match, "dmy", f"{day_part}{sep}{month_part}{sep}yyyy", (first, second, year)
        else:
            pattern = "M/d/yyyy" if sep == "/" else f"M{sep}d{sep}yyyy"
            yield match, "mdy", pattern, (first, second, year)
    for regex, order, pattern in _DATE_FORMS:
        found = regex.match(text)
        if found is not None:
            yield found, order, pattern, tuple(str(g) for g in found.groups())


def _date_time(text: str, locale: str = DEFAULT_LOCALE) -> tuple[float | int, Json] | None:
    for match, order, pattern, groups in _date_forms(text, locale):
        parts = _ymd(order, groups)
        if parts is None:
            return None
        rest = text[match.end() :].strip()
        time = _time(rest) if rest else (0, 0, 0, "")
        if time is None:
            return None
        try:
            moment = datetime(parts[0], parts[1], parts[2], time[0], time[1], time[2])
        except ValueError:
            return None
        if order == "Mdy" and len(match.group(1)) > 3:
            pattern = "mmmm d, yyyy"
        serial = json_number(serial_from_datetime(moment))
        if not rest:
            return serial, {"type": "DATE", "pattern": pattern}
        clock = "h:mm:ss am/pm" if time[3] else "H:mm:ss"
        return serial, {"type": "DATE_TIME", "pattern": f"{pattern} {clock}"}
    time = _time(text)
    if time is None:
        return None
    serial = (time[0] * 3600 + time[1] * 60 + time[2]) / 86400
    clock = "h:mm:ss am/pm" if time[3] else "H:mm:ss"
    return serial, {"type": "TIME", "pattern": clock}


def _ymd(order: str, groups: tuple[str | Any, ...]) -> tuple[int, int, int] | None:
    a, b, c = (str(g) for g in groups)
    if order in ("mdy", "dmy"):
        year = int(c) if len(c) == 4 else (2000 + int(c) if int(c) < 30 else 1900 + int(c))
        return (year, int(a), int(b)) if order == "mdy" else (year, int(b), int(a))
    if order == "ymd":
        return int(a), int(b), int(c)
    month = _MONTHS.get((a if order == "Mdy" else b).lower())
    if month is None:
        return None
    day = int(b) if order == "Mdy" else int(a)
    return int(c), month, day


def _time(text: str) -> tuple[int, int, int, str] | None:
    match = re.fullmatch(_TIME, text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    meridiem = (match.group(4) or "").upper()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "PM" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second, meridiem
