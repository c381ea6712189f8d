"""What a new spreadsheet looks like at Google, down to the theme colours.

These values are the ones Google answers for a spreadsheet created through Drive by
an account without a locale or time zone of its own (see the recordings); the
emulator returns them as they are, so clients see no difference.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_ROW_COUNT = 1000
DEFAULT_COLUMN_COUNT = 26
DEFAULT_ROW_HEIGHT = 21
DEFAULT_COLUMN_WIDTH = 100
DEFAULT_TIME_ZONE = "Etc/GMT"
DEFAULT_LOCALE = "en_US"
UNTITLED = "Untitled spreadsheet"

_WHITE = {"red": 1, "green": 1, "blue": 1}

_DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": dict(_WHITE),
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": dict(_WHITE)},
}


def _theme_color(kind: str, red: float, green: float, blue: float) -> dict[str, Any]:
    rgb = {k: v for k, v in (("red", red), ("green", green), ("blue", blue)) if v}
    return {"colorType": kind, "color": {"rgbColor": rgb}}


_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT", 0, 0, 0),
        _theme_color("BACKGROUND", 1, 1, 1),
        _theme_color("ACCENT1", 0.25882354, 0.52156866, 0.95686275),
        _theme_color("ACCENT2", 0.91764706, 0.2627451, 0.20784314),
        _theme_color("ACCENT3", 0.9843137, 0.7372549, 0.015686275),
        _theme_color("ACCENT4", 0.20392157, 0.65882355, 0.3254902),
        _theme_color("ACCENT5", 1, 0.42745098, 0.003921569),
        _theme_color("ACCENT6", 0.27450982, 0.7411765, 0.7764706),
        _theme_color("LINK", 0.06666667, 0.33333334, 0.8),
    ],
}


def default_format() -> dict[str, Any]:
    """The spreadsheet's default cell format (a fresh copy)."""
    return copy.deepcopy(_DEFAULT_FORMAT)


def default_theme() -> dict[str, Any]:
    """The default spreadsheet theme (a fresh copy)."""
    return copy.deepcopy(_THEME)


def spreadsheet_properties(title: str) -> dict[str, Any]:
    """SpreadsheetProperties of a new spreadsheet, in Google's field order."""
    return {
        "title": title,
        "locale": DEFAULT_LOCALE,
        "autoRecalc": "ON_CHANGE",
        "timeZone": DEFAULT_TIME_ZONE,
        "defaultFormat": default_format(),
        "spreadsheetTheme": default_theme(),
    }
