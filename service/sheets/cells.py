"""Google ``CellData`` JSON for the values the backend writes, and how to tell whether a
cell already shows what we would write (so an unchanged sync writes nothing, DESIGN I1).

Text is always written as ``stringValue``: through ``updateCells``/``appendCells`` a
string is never parsed, so "=IMPORTXML(...)" typed by a buyer stays text (DESIGN I6).
:func:`cell_data` is the one place text becomes a cell, and it neutralises text a
spreadsheet program would run as a formula once the tab is exported as CSV
(``cell_values.neutralised``, docs/security.md), and cuts text to fit Google's
50,000 characters a cell (``cell_values.capped``): Next step, Top risks, History and
Reviews rows, and what provisioning lays out all pass through it.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

from service.sheets.cell_values import capped, date_to_serial, neutralised
from service.sheets.layout import DATE_PATTERN
from service.sheets.render import Shown, Value

# What a computed cell write replaces: value, background and number format.
COMPUTED_FIELDS = (
    "userEnteredValue,userEnteredFormat.backgroundColor,userEnteredFormat.numberFormat"
)


def hex_to_color(hex_colour: str) -> dict[str, float]:
    text = hex_colour.lstrip("#")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    # Google omits zero components; so do we, so that what we write reads back equal.
    return {k: v for k, v in (("red", red), ("green", green), ("blue", blue)) if v}


def color_to_hex(color: dict[str, Any] | None) -> str | None:
    if not color:
        return None
    parts = (round(float(color.get(k, 0)) * 255) for k in ("red", "green", "blue"))
    return "#" + "".join(f"{p:02x}" for p in parts)


def cell_data(
    value: Value, *, background: str | None = None, date_pattern: str = DATE_PATTERN
) -> dict[str, Any]:
    """The CellData that shows ``value`` (a date as a date serial, shown by
    ``date_pattern``: the spreadsheet locale's, ``cell_values.date_pattern``)."""
    cell: dict[str, Any] = {}
    fmt: dict[str, Any] = {}
    if isinstance(value, date):
        cell["userEnteredValue"] = {"numberValue": date_to_serial(value)}
        fmt["numberFormat"] = {"type": "DATE", "pattern": date_pattern}
    elif isinstance(value, bool):
        cell["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, int | float):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value is not None and value != "":
        cell["userEnteredValue"] = {"stringValue": capped(neutralised(str(value)))}
    if background is not None:
        fmt["backgroundColor"] = hex_to_color(background)
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def shown_cell(shown: Shown, date_pattern: str = DATE_PATTERN) -> dict[str, Any]:
    """The CellData of a computed cell (what :mod:`~service.sheets.render` says it shows)."""
    return cell_data(shown.value, background=shown.background, date_pattern=date_pattern)


def shows(current: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    """Whether the cell ``current`` (as read) already shows the CellData ``wanted``."""
    current = current or {}
    if _entered(current) != _entered(wanted):
        return False
    have_fmt = current.get("userEnteredFormat") or {}
    want_fmt = wanted.get("userEnteredFormat") or {}
    # The colours as ``color_to_hex`` tells them apart, without building the text.
    if _rgb(have_fmt.get("backgroundColor")) != _rgb(want_fmt.get("backgroundColor")):
        return False
    have_pattern = (have_fmt.get("numberFormat") or {}).get("pattern")
    want_pattern = (want_fmt.get("numberFormat") or {}).get("pattern")
    return bool(have_pattern == want_pattern)


def shows_shown(
    current: dict[str, Any] | None, shown: Shown, date_pattern: str = DATE_PATTERN
) -> bool:
    """``shows(current, shown_cell(shown, date_pattern))``, without building the CellData
    (a sync asks this of every computed cell of every milestone; few changed)."""
    current = current or {}
    value = shown.value
    wanted: Any
    if isinstance(value, date):
        wanted = ("numberValue", float(date_to_serial(value)))
    elif isinstance(value, bool):
        wanted = ("boolValue", value)
    elif isinstance(value, int | float):
        wanted = ("numberValue", float(value))
    elif value is not None and value != "":
        wanted = ("stringValue", capped(neutralised(str(value))))
    else:
        wanted = None
    if _entered(current) != wanted:
        return False
    have_fmt = current.get("userEnteredFormat") or {}
    if _rgb(have_fmt.get("backgroundColor")) != _background_rgb(shown.background):
        return False
    have_pattern = (have_fmt.get("numberFormat") or {}).get("pattern")
    return bool(have_pattern == (date_pattern if isinstance(value, date) else None))


def _rgb(color: dict[str, Any] | None) -> tuple[int, int, int] | None:
    """The colour as ``color_to_hex`` sees it (0-255 components), None for none."""
    if not color:
        return None
    return _rgb_of(color.get("red", 0), color.get("green", 0), color.get("blue", 0))


@lru_cache(maxsize=256)
def _rgb_of(red: Any, green: Any, blue: Any) -> tuple[int, int, int]:
    # A sheet holds a handful of colours: each is worked out once.
    return (round(float(red) * 255), round(float(green) * 255), round(float(blue) * 255))


@cache
def _background_rgb(background: str | None) -> tuple[int, int, int] | None:
    """The colour a cell written with ``background`` reads back as."""
    return None if background is None else _rgb(hex_to_color(background))


def _entered(cell: dict[str, Any]) -> Any:
    value = cell.get("userEnteredValue") or {}
    for key in ("numberValue", "stringValue", "boolValue", "formulaValue"):
        if key in value:
            item = value[key]
            return (key, float(item) if key == "numberValue" else item)
    return None
