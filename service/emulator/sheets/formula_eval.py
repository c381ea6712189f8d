"""Evaluating formulas, for the effective value of a formula cell.

The emulator keeps every formula exactly (``userEnteredValue.formulaValue``) and
computes its value when the cell is read, so results are never stale. It evaluates
arithmetic, comparisons, ``&``, references and ranges (also on other sheets and
through named ranges) and these functions: ABS AND AVERAGE CONCAT CONCATENATE COUNT
COUNTA DATE DAY IF IFERROR INT ISBLANK ISNUMBER ISTEXT LEFT LEN LOWER MAX MID MIN MOD
MONTH NA NOT NOW OR RIGHT ROUND ROUNDDOWN ROUNDUP SUM TODAY TRIM UPPER VALUE YEAR.

Errors have Google's shape (``{"errorValue": {"type": ..., "message": ...}}``, shown
as ``#DIV/0!``, ``#REF!``...). A Google function outside that list (``IMPORTXML``,
``QUERY``) is not evaluated: the cell keeps its formula and reads as an ``ERROR`` value
(``#ERROR!``) whose message names the function, rather than a made-up result; a name
Google does not know either is ``#NAME?`` ("Unknown function: 'X'."), as at Google.
Dates are serial numbers; TODAY and NOW use UTC.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from service.emulator.sheets import formula_parser as fp
from service.emulator.sheets.number_format import (
    automatic,
    datetime_from_serial,
    serial_from_datetime,
)

ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}
_LITERAL_TYPE = {text: kind for kind, text in ERROR_TEXT.items()}

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


@dataclass(frozen=True)
class FormulaError:
    type: str
    message: str

    @property
    def text(self) -> str:
        return ERROR_TEXT.get(self.type, "#ERROR!")


Scalar = float | str | bool | None | FormulaError
Matrix = list[list[Scalar]]
# Looks up a reference: (sheet name or None, cells text) -> a matrix, or an error.
Resolver = Callable[[str | None, str], "Matrix | FormulaError"]


class _Raise(Exception):
    def __init__(self, error: FormulaError) -> None:
        self.error = error


def evaluate(formula: str, resolve: Resolver) -> Scalar:
    """The value of ``formula``; errors come back as :class:`FormulaError`."""
    try:
        tree = fp.parse(formula)
    except fp.FormulaSyntaxError:
        return FormulaError("ERROR", "Formula parse error.")
    try:
        value = _Evaluator(resolve).scalar(tree)
    except _Raise as exc:
        return exc.error
    except (OverflowError, ValueError):
        return FormulaError("NUM", "The result is not a finite number.")
    if isinstance(value, float) and not math.isfinite(value):
        return FormulaError("NUM", "The result is not a finite number.")
    return value


def date_functions_in(formula: str) -> str | None:
    """``DATE`` or ``DATE_TIME`` when the formula's result is a date by its own
    functions (``=TODAY()``, ``=DATE(...)+1``), else None."""
    upper = formula.upper()
    if "NOW(" in upper:
        return "DATE_TIME"
    if "TODAY(" in upper or "DATE(" in upper:
        return "DATE"
    return None


class _Evaluator:
    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    # -- nodes -------------------------------------------------------------------
    def value(self, node: fp.Node) -> Scalar | Matrix:
        kind = node[0]
        if kind == "num":
            return float(node[1])
        if kind in ("str", "bool"):
            return node[1]  # type: ignore[no-any-return]
        if kind == "blank":
            return None
        if kind == "err":
            raise _Raise(FormulaError(_LITERAL_TYPE[node[1]], f"{node[1]} literal"))
        if kind in ("ref", "name"):
            found = self.resolve(node[1], node[2]) if kind == "ref" else self.resolve(None, node[1])
            if isinstance(found, FormulaError):
                raise _Raise(found)
            return found
        if kind == "unary":
            number = self.number(node[2], "UMINUS")
            return -number if node[1] == "-" else number
        if kind == "pct":
            return self.number(node[1], "UNARY_PERCENT") / 100
        if kind == "bin":
            return self.binary(node[1], node[2], node[3])
        if kind == "call":
            return self.call(node[1], node[2])
        raise _Raise(FormulaError("ERROR", "Formula parse error."))

    def scalar(self, node: fp.Node) -> Scalar:
        value = self.value(node)
        if isinstance(value, list):
            if len(value) == 1 and len(value[0]) == 1:
                return _check(value[0][0])
            if value and value[0]:
                return _check(value[0][0])
            return None
        return _check(value)

    def number(self, node: fp.Node, function: str, position: int = 1) -> float:
        return _to_number(self.scalar(node), function, position)

    def binary(self, op: str, left: fp.Node, right: fp.Node) -> Scalar:
        if op == "&":
            return _to_text(self.scalar(left)) + _to_text(self.scalar(right))
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, self.scalar(left), self.scalar(right))
        names = {"+": "ADD", "-": "MINUS", "*": "MULTIPLY", "/": "DIVIDE", "^": "POW"}
        a = self.number(left, names[op], 1)
        b = self.number(right, names[op], 2)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise _Raise(
                    FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
                )
            return a / b
        return float(a**b)

    # -- functions -----------------------------------------------------------------
    def call(self, name: str, args: list[fp.Node]) -> Scalar:
        if name == "IF":
            if len(args) < 2:
                raise _arity(name)
            branch = (
                args[1]
                if _truthy(self.scalar(args[0]), name)
                else (args[2] if len(args) > 2 else None)
            )
            return False if branch is None else self.scalar(branch)
        if name == "IFERROR":
            try:
                return self.scalar(args[0])
            except _Raise:
                return self.scalar(args[1]) if len(args) > 1 else ""
        function = _FUNCTIONS.get(name)
        if function is None:
            if name in GOOGLE_FUNCTIONS:
                raise _Raise(
                    FormulaError("ERROR", f"The emulator does not evaluate the function {name}.")
                )
            raise _Raise(FormulaError("NAME", f"Unknown function: '{name}'."))
        return function(self, name, args)

    def flat(self, args: list[fp.Node]) -> list[Scalar]:
        """Every value of the arguments, ranges flattened (text in ranges kept)."""
        out: list[Scalar] = []
        for arg in args:
            value = self.value(arg)
            if isinstance(value, list):
                out.extend(v for row in value for v in row)
            else:
                out.append(value)
        return out

    def numbers(self, name: str, args: list[fp.Node]) -> list[float]:
        out: list[float] = []
        for arg in args:
            value = self.value(arg)
            if isinstance(value, list):
                for item in (v for row in value for v in row):
                    if isinstance(item, FormulaError):
                        raise _Raise(item)
                    if isinstance(item, float) and not isinstance(item, bool):
                        out.append(item)
            else:
                out.append(_to_number(_check(value), name, len(out) + 1))
        return out


def _check(value: Scalar) -> Scalar:
    if isinstance(value, FormulaError):
        raise _Raise(value)
    return value


def _arity(name: str) -> _Raise:
    return _Raise(FormulaError("N_A", f"Wrong number of arguments to {name}."))


def _to_number(value: Scalar, function: str, position: int) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value.replace(",", "")) if value.strip() else 0.0
        except ValueError:
            pass
    raise _Raise(
        FormulaError(
            "VALUE",
            f"Function {function} parameter {position} expects number values. "
            f"But '{value}' is a text and cannot be coerced to a number.",
        )
    )


def _to_text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return automatic(value)
    return str(value)


def _truthy(value: Scalar, name: str) -> bool:
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise _Raise(FormulaError("VALUE", f"Function {name} parameter 1 expects boolean values."))
    return bool(value)


def _rank(value: Scalar) -> tuple[int, Any]:
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float):
        return (0, value)
    return (1, str(value).casefold())


def _compare(op: str, a: Scalar, b: Scalar) -> bool:
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)
    ka, kb = _rank(a), _rank(b)
    results = {
        "=": ka == kb,
        "<>": ka != kb,
        "<": ka < kb,
        ">": ka > kb,
        "<=": ka <= kb,
        ">=": ka >= kb,
    }
    return results[op]


def _round(mode: str) -> Callable[[_Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
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


def _average(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    values = ev.numbers(name, args)
    if not values:
        raise _Raise(
            FormulaError(
                "DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."
            )
        )
    return sum(values) / len(values)


def _date(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    year, month, day = (int(ev.number(a, name, i + 1)) for i, a in enumerate(args[:3]))
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return serial_from_datetime(date(year, month, 1)) + day - 1


def _part(attr: str) -> Callable[[_Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
        return float(getattr(datetime_from_serial(ev.number(args[0], name)), attr))

    return run


def _text_fn(fn: Callable[[str], Scalar]) -> Callable[[_Evaluator, str, list[fp.Node]], Scalar]:
    return lambda ev, name, args: fn(_to_text(ev.scalar(args[0])))


def _mod(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
    a, b = ev.number(args[0], name, 1), ev.number(args[1], name, 2)
    if b == 0:
        raise _Raise(FormulaError("DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."))
    return a - b * math.floor(a / b)


def _slice(kind: str) -> Callable[[_Evaluator, str, list[fp.Node]], Scalar]:
    def run(ev: _Evaluator, name: str, args: list[fp.Node]) -> Scalar:
        text = _to_text(ev.scalar(args[0]))
        if kind == "mid":
            start = int(ev.number(args[1], name, 2))
            return text[start - 1 : start - 1 + int(ev.number(args[2], name, 3))]
        count = int(ev.number(args[1], name, 2)) if len(args) > 1 else 1
        return text[:count] if kind == "left" else (text[-count:] if count else "")

    return run


_FUNCTIONS: dict[str, Callable[[_Evaluator, str, list[fp.Node]], Scalar]] = {
    "SUM": lambda ev, n, a: float(sum(ev.numbers(n, a))),
    "AVERAGE": _average,
    "MIN": lambda ev, n, a: min(ev.numbers(n, a), default=0.0),
    "MAX": lambda ev, n, a: max(ev.numbers(n, a), default=0.0),
    "COUNT": lambda ev, n, a: float(
        sum(1 for v in ev.flat(a) if isinstance(v, float) and not isinstance(v, bool))
    ),
    "COUNTA": lambda ev, n, a: float(sum(1 for v in ev.flat(a) if v is not None and v != "")),
    "AND": lambda ev, n, a: all(_truthy(_check(v), n) for v in ev.flat(a) if v is not None),
    "OR": lambda ev, n, a: any(_truthy(_check(v), n) for v in ev.flat(a) if v is not None),
    "NOT": lambda ev, n, a: not _truthy(ev.scalar(a[0]), n),
    "ABS": lambda ev, n, a: abs(ev.number(a[0], n)),
    "INT": lambda ev, n, a: float(math.floor(ev.number(a[0], n))),
    "MOD": _mod,
    "ROUND": _round("half"),
    "ROUNDUP": _round("up"),
    "ROUNDDOWN": _round("down"),
    "CONCATENATE": lambda ev, n, a: "".join(_to_text(_check(v)) for v in ev.flat(a)),
    "CONCAT": lambda ev, n, a: _to_text(ev.scalar(a[0])) + _to_text(ev.scalar(a[1])),
    "LEN": _text_fn(lambda s: float(len(s))),
    "UPPER": _text_fn(str.upper),
    "LOWER": _text_fn(str.lower),
    "TRIM": _text_fn(lambda s: " ".join(s.split())),
    "LEFT": _slice("left"),
    "RIGHT": _slice("right"),
    "MID": _slice("mid"),
    "VALUE": lambda ev, n, a: _to_number(ev.scalar(a[0]), n, 1),
    "ISBLANK": lambda ev, n, a: ev.scalar(a[0]) is None,
    "ISNUMBER": lambda ev, n, a: isinstance(ev.scalar(a[0]), float),
    "ISTEXT": lambda ev, n, a: isinstance(ev.scalar(a[0]), str),
    "NA": lambda ev, n, a: FormulaError("N_A", "Value not available."),
    "TODAY": lambda ev, n, a: serial_from_datetime(datetime.now(UTC).date()),
    "NOW": lambda ev, n, a: serial_from_datetime(datetime.now(UTC).replace(tzinfo=None)),
    "DATE": _date,
    "YEAR": _part("year"),
    "MONTH": _part("month"),
    "DAY": _part("day"),
}
