"""Evaluating formulas, for the effective value of a formula cell.

The emulator keeps every formula exactly (``userEnteredValue.formulaValue``) and
computes its value when the cell is read, so results are never stale. It evaluates
arithmetic, comparisons, ``&``, references and ranges (also on other sheets and
through named ranges) and these functions: ABS AND AVERAGE CONCAT CONCATENATE COUNT
COUNTA DATE DAY IF IFERROR INT ISBLANK ISNUMBER ISTEXT LEFT LEN LOWER MAX MID MIN MOD
MONTH NA NOT NOW OR RIGHT ROUND ROUNDDOWN ROUNDUP SQRT SUM TODAY TRIM UPPER VALUE
VLOOKUP YEAR. Error types and messages are Google's (``Function DIVIDE parameter 2
cannot be zero.``, ``Did not find value 'x' in VLOOKUP evaluation.``...).

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
from typing import Any

from emulator.sheets import formula_functions
from emulator.sheets import formula_parser as fp
from emulator.sheets.formula_values import (
    ERROR_TEXT,
    FormulaError,
    Matrix,
    Raised,
    Scalar,
    check_value,
    to_number,
    to_text,
)

_LITERAL_TYPE = {text: kind for kind, text in ERROR_TEXT.items()}
# Looks up a reference: (sheet name or None, cells text) -> a matrix, or an error.
Resolver = Callable[[str | None, str], "Matrix | FormulaError"]


def evaluate(formula: str, resolve: Resolver) -> Scalar:
    """The value of ``formula``; errors come back as :class:`FormulaError`."""
    try:
        tree = fp.parse(formula)
    except fp.FormulaSyntaxError:
        return FormulaError("ERROR", "Formula parse error.")
    try:
        value = Evaluator(resolve).scalar(tree)
    except Raised as exc:
        return exc.error
    except (OverflowError, ValueError):
        return FormulaError("NUM", "The result is not a finite number.")
    except IndexError:
        # A function given fewer arguments than it takes (=ABS()): Google's #N/A.
        return FormulaError("N_A", "Wrong number of arguments.")
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


class Evaluator:
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
            raise Raised(FormulaError(_LITERAL_TYPE[node[1]], f"{node[1]} literal"))
        if kind in ("ref", "name"):
            found = self.resolve(node[1], node[2]) if kind == "ref" else self.resolve(None, node[1])
            if isinstance(found, FormulaError):
                raise Raised(found)
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
        raise Raised(FormulaError("ERROR", "Formula parse error."))

    def scalar(self, node: fp.Node) -> Scalar:
        value = self.value(node)
        if isinstance(value, list):
            if len(value) == 1 and len(value[0]) == 1:
                return check_value(value[0][0])
            if value and value[0]:
                return check_value(value[0][0])
            return None
        return check_value(value)

    def number(self, node: fp.Node, function: str, position: int = 1) -> float:
        return to_number(self.scalar(node), function, position)

    def binary(self, op: str, left: fp.Node, right: fp.Node) -> Scalar:
        if op == "&":
            return to_text(self.scalar(left)) + to_text(self.scalar(right))
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
                raise Raised(
                    FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
                )
            return a / b
        return float(a**b)

    # -- functions -----------------------------------------------------------------
    def call(self, typed: str, args: list[fp.Node]) -> Scalar:
        return formula_functions.call(self, typed, args)

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
                        raise Raised(item)
                    if isinstance(item, float) and not isinstance(item, bool):
                        out.append(item)
            else:
                out.append(to_number(check_value(value), name, len(out) + 1))
        return out


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
