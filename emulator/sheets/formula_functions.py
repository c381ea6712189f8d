"""The functions formulas can call, and the names of those the emulator leaves out.

Each function takes the evaluator, its own name (for error messages) and its argument
nodes, and evaluates the arguments it needs (so ``IF`` evaluates one branch only).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Protocol

from emulator import clock
from emulator.sheets import formula_parser as fp
from emulator.sheets.formula_values import (
    FormulaError,
    Matrix,
    Raised,
    Scalar,
    check_value,
    to_number,
    to_text,
    truthy,
    wrong_arity,
)
from emulator.sheets.number_format import (
    automatic,
    datetime_from_serial,
    is_date_serial,
    serial_from_datetime,
)


class Evaluator(Protocol):
    """What a function asks of the evaluator: its arguments' values."""

    def value(self, node: fp.Node) -> Scalar | Matrix: ...

    def scalar(self, node: fp.Node) -> Scalar: ...

    def number(self, node: fp.Node, function: str, position: int = 1) -> float: ...

    def numbers(self, name: str, args: list[fp.Node]) -> list[float]: ...

    def flat(self, args: list[fp.Node]) -> list[Scalar]: ...


# Functions Google Sheets has that the emulator does not evaluate: they read as an
# ERROR value naming the function; any other unknown name is #NAME?, as at Google.
GOOGLE_FUNCTIONS = frozenset(
    {
        "ACOS",
        "ADDRESS",
        "ARRAYFORMULA",
        "ASC",
        "ASIN",
        "ATAN",
        "ATAN2",
        "AVERAGEIF",
        "AVERAGEIFS",
        "BYROW",
        "BYCOL",
        "CEILING",
        "CHAR",
        "CHOOSE",
        "CLEAN",
        "CODE",
        "COLUMN",
        "COLUMNS",
        "CONVERT",
        "COS",
        "COUNTBLANK",
        "COUNTIF",
        "COUNTIFS",
        "COUNTUNIQUE",
        "DATEDIF",
        "DATEVALUE",
        "DAYS",
        "DETECTLANGUAGE",
        "EDATE",
        "EOMONTH",
        "EXACT",
        "EXP",
        "FILTER",
        "FIND",
        "FLATTEN",
        "FLOOR",
        "GOOGLEFINANCE",
        "GOOGLETRANSLATE",
        "HLOOKUP",
        "HOUR",
        "HYPERLINK",
        "IFNA",
        "IFS",
        "IMAGE",
        "IMPORTDATA",
        "IMPORTFEED",
        "IMPORTHTML",
        "IMPORTRANGE",
        "IMPORTXML",
        "INDEX",
        "INDIRECT",
        "ISERR",
        "ISERROR",
        "ISLOGICAL",
        "ISNA",
        "ISOWEEKNUM",
        "JOIN",
        "LAMBDA",
        "LARGE",
        "LET",
        "LN",
        "LOG",
        "LOG10",
        "LOOKUP",
        "MAKEARRAY",
        "MAP",
        "MATCH",
        "MAXIFS",
        "MEDIAN",
        "MINIFS",
        "MINUTE",
        "MODE",
        "NETWORKDAYS",
        "NETWORKDAYS.INTL",
        "OFFSET",
        "PI",
        "POWER",
        "PRODUCT",
        "PROPER",
        "QUERY",
        "QUOTIENT",
        "RAND",
        "RANDBETWEEN",
        "RANK",
        "REDUCE",
        "REGEXEXTRACT",
        "REGEXMATCH",
        "REGEXREPLACE",
        "REPLACE",
        "REPT",
        "ROW",
        "ROWS",
        "SCAN",
        "SEARCH",
        "SECOND",
        "SEQUENCE",
        "SIGN",
        "SIN",
        "SMALL",
        "SORT",
        "SORTN",
        "SPARKLINE",
        "SPLIT",
        "SQRT",
        "STDEV",
        "SUBSTITUTE",
        "SUBTOTAL",
        "SUMIF",
        "SUMIFS",
        "SUMPRODUCT",
        "SWITCH",
        "T",
        "TAN",
        "TEXT",
        "TEXTJOIN",
        "TIME",
        "TIMEVALUE",
        "TO_DATE",
        "TRANSPOSE",
        "TRUNC",
        "UNIQUE",
        "VLOOKUP",
        "WEEKDAY",
        "WEEKNUM",
        "WORKDAY",
        "WORKDAY.INTL",
        "XLOOKUP",
        "XOR",
        "YEARFRAC",
    }
)


def _round(mode: str) -> Callable[[Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
        value = ev.number(args[0], name, 1)
        places = int(ev.number(args[1], name, 2)) if len(args) > 1 else 0
        factor = 10.0**places
        scaled = value * factor
        if mode == "up":
            scaled = math.copysign(math.ceil(abs(scaled) - 1e-9), scaled)
        elif mode == "down":
            scaled = math.copysign(math.floor(abs(scaled) + 1e-9), scaled)
        else:
            scaled = math.copysign(math.floor(abs(scaled) + 0.5), scaled)
        return scaled / factor

    return run


def _if(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    if len(args) < 2:
        raise wrong_arity(name)
    if truthy(ev.scalar(args[0]), name):
        return ev.scalar(args[1])
    return ev.scalar(args[2]) if len(args) > 2 else False


def _iferror(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    try:
        return ev.scalar(args[0])
    except Raised:
        return ev.scalar(args[1]) if len(args) > 1 else ""


def _average(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    values = ev.numbers(name, args)
    if not values:
        raise Raised(
            FormulaError(
                "DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."
            )
        )
    return sum(values) / len(values)


def _date(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    year, month, day = (int(ev.number(a, name, i + 1)) for i, a in enumerate(args[:3]))
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return serial_from_datetime(date(year, month, 1)) + day - 1


def _part(attr: str) -> Callable[[Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
        serial = ev.number(args[0], name)
        if not is_date_serial(serial):
            message = f"Function {name} parameter 1 value {automatic(serial)} is out of range."
            raise Raised(FormulaError("NUM", message))
        return float(getattr(datetime_from_serial(serial), attr))

    return run


def _text_fn(fn: Callable[[str], Scalar]) -> Callable[[Evaluator, str, list[fp.Node]], Scalar]:
    return lambda ev, name, args: fn(to_text(ev.scalar(args[0])))


def _mod(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    a, b = ev.number(args[0], name, 1), ev.number(args[1], name, 2)
    if b == 0:
        raise Raised(FormulaError("DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."))
    return a - b * math.floor(a / b)


def _slice(kind: str) -> Callable[[Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
        text = to_text(ev.scalar(args[0]))
        if kind == "mid":
            start = int(ev.number(args[1], name, 2))
            return text[start - 1 : start - 1 + int(ev.number(args[2], name, 3))]
        count = int(ev.number(args[1], name, 2)) if len(args) > 1 else 1
        return text[:count] if kind == "left" else (text[-count:] if count else "")

    return run


def _sqrt(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    value = ev.number(args[0], name)
    if value < 0:
        raise Raised(
            FormulaError(
                "NUM", "Function SQRT parameter 1 value is negative. It should be positive or zero."
            )
        )
    return math.sqrt(value)


def _vlookup(ev: Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    if len(args) < 3:
        raise wrong_arity(name)
    key = ev.scalar(args[0])
    table = ev.value(args[1])
    if not isinstance(table, list):
        table = [[table]]
    column = int(ev.number(args[2], name, 3))
    exact = len(args) > 3 and not truthy(ev.scalar(args[3]), name)
    width = max((len(row) for row in table), default=0)
    if not 1 <= column <= width:
        raise Raised(FormulaError("REF", "VLOOKUP evaluates to an out of bounds range."))
    found = None
    for row in table:
        first = row[0] if row else None
        if exact:
            if _same(first, key):
                found = row
                break
        elif first is not None and _rank_key(first) <= _rank_key(key):
            found = row
    if found is None:
        raise Raised(
            FormulaError("N_A", f"Did not find value '{to_text(key)}' in VLOOKUP evaluation.")
        )
    return check_value(found[column - 1] if column - 1 < len(found) else None)


def _same(a: Scalar, b: Scalar) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return a == b and type(a) is type(b)


def _rank_key(value: Scalar) -> tuple[int, object]:
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float):
        return (0, value)
    return (1, str(value).casefold())


FUNCTIONS: dict[str, Callable[[Evaluator, str, list[fp.Node]], Scalar]] = {
    "IF": _if,
    "IFERROR": _iferror,
    "SUM": lambda ev, n, a: float(sum(ev.numbers(n, a))),
    "AVERAGE": _average,
    "MIN": lambda ev, n, a: min(ev.numbers(n, a), default=0.0),
    "MAX": lambda ev, n, a: max(ev.numbers(n, a), default=0.0),
    "COUNT": lambda ev, n, a: float(
        sum(1 for v in ev.flat(a) if isinstance(v, float) and not isinstance(v, bool))
    ),
    "COUNTA": lambda ev, n, a: float(sum(1 for v in ev.flat(a) if v is not None and v != "")),
    "AND": lambda ev, n, a: all(truthy(check_value(v), n) for v in ev.flat(a) if v is not None),
    "OR": lambda ev, n, a: any(truthy(check_value(v), n) for v in ev.flat(a) if v is not None),
    "NOT": lambda ev, n, a: not truthy(ev.scalar(a[0]), n),
    "ABS": lambda ev, n, a: abs(ev.number(a[0], n)),
    "INT": lambda ev, n, a: float(math.floor(ev.number(a[0], n))),
    "MOD": _mod,
    "ROUND": _round("half"),
    "ROUNDUP": _round("up"),
    "ROUNDDOWN": _round("down"),
    "CONCATENATE": lambda ev, n, a: "".join(to_text(check_value(v)) for v in ev.flat(a)),
    "CONCAT": lambda ev, n, a: to_text(ev.scalar(a[0])) + to_text(ev.scalar(a[1])),
    "LEN": _text_fn(lambda s: float(len(s))),
    "UPPER": _text_fn(str.upper),
    "LOWER": _text_fn(str.lower),
    "TRIM": _text_fn(lambda s: " ".join(s.split())),
    "LEFT": _slice("left"),
    "RIGHT": _slice("right"),
    "MID": _slice("mid"),
    "VALUE": lambda ev, n, a: to_number(ev.scalar(a[0]), n, 1),
    "ISBLANK": lambda ev, n, a: ev.scalar(a[0]) is None,
    "ISNUMBER": lambda ev, n, a: isinstance(ev.scalar(a[0]), float),
    "ISTEXT": lambda ev, n, a: isinstance(ev.scalar(a[0]), str),
    "NA": lambda ev, n, a: FormulaError("N_A", ""),
    "TODAY": lambda ev, n, a: serial_from_datetime(clock.current.get().now().date()),
    "NOW": lambda ev, n, a: serial_from_datetime(clock.current.get().now().replace(tzinfo=None)),
    "DATE": _date,
    "SQRT": _sqrt,
    "VLOOKUP": _vlookup,
    "YEAR": _part("year"),
    "MONTH": _part("month"),
    "DAY": _part("day"),
}


def call(ev: Evaluator, typed: str, args: list[fp.Node]) -> Scalar:
    """The value of the function ``typed`` (any case) on ``args``."""
    name = typed.upper()
    function = FUNCTIONS.get(name)
    if function is None:
        if name in GOOGLE_FUNCTIONS:
            raise Raised(
                FormulaError("ERROR", f"The emulator does not evaluate the function {name}.")
            )
        raise Raised(FormulaError("NAME", f"Unknown function: '{typed}'."))
    return function(ev, name, args)


def known_function(name: str) -> bool:
    """Whether Google Sheets has a function of this name (any case)."""
    upper = name.upper()
    return upper in FUNCTIONS or upper in GOOGLE_FUNCTIONS
