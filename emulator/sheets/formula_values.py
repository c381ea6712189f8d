"""What formulas compute with: values, Google's error values, and the coercions the
evaluator and the functions share (text to number, value to text, value to boolean).

A value is a number (always a float), text, a boolean, blank (None) or an error; an
error met where a value is needed is raised (:class:`Raised`) and becomes the cell's
value, as in Sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.sheets.number_format import automatic

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


@dataclass(frozen=True)
class FormulaError:
    type: str
    message: str

    @property
    def text(self) -> str:
        return ERROR_TEXT.get(self.type, "#ERROR!")


Scalar = float | str | bool | None | FormulaError
Matrix = list[list[Scalar]]


class Raised(Exception):
    def __init__(self, error: FormulaError) -> None:
        self.error = error


def check_value(value: Scalar) -> Scalar:
    if isinstance(value, FormulaError):
        raise Raised(value)
    return value


def wrong_arity(name: str) -> Raised:
    return Raised(FormulaError("N_A", f"Wrong number of arguments to {name}."))


def to_number(value: Scalar, function: str, position: int) -> float:
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
    raise Raised(
        FormulaError(
            "VALUE",
            f"Function {function} parameter {position} expects number values. "
            f"But '{value}' is a text and cannot be coerced to a number.",
        )
    )


def to_text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return automatic(value)
    return str(value)


def truthy(value: Scalar, name: str) -> bool:
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise Raised(FormulaError("VALUE", f"Function {name} parameter 1 expects boolean values."))
    return bool(value)
