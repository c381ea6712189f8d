"""How a spreadsheet's locale (``properties.locale``) orders the parts of a short date
typed with numbers only, as USER_ENTERED input reads it (``user_entered.py``).

Sheets reads ``3/4/2027`` by the spreadsheet's locale (File > Settings > Locale): month
first in the United States (en_US, es_US) and the Philippines and Puerto Rico, day first
in most other locales (en_GB, de_DE, fr_FR: 3 April). Locales that write the year first
(ja, zh, ko, hu, lt, mn) read a form with the year first as every locale does, and
day-month-year forms month first. The recordings of Google's answers hold en_US
spreadsheets only; the other orders follow Sheets' locale settings, not a recording.
"""

from __future__ import annotations

from emulator.sheets.defaults import DEFAULT_LOCALE

__all__ = ["DEFAULT_LOCALE", "day_first"]

_MONTH_FIRST_LOCALES = frozenset({"en_US", "es_US", "en_PH", "fil_PH", "en_PR", "es_PR"})
_YEAR_FIRST_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "lt", "mn"})


def day_first(locale: str | None) -> bool:
    """Whether ``locale`` reads ``3/4/2027`` as the 3rd of April (day first)."""
    name = (locale or DEFAULT_LOCALE).replace("-", "_")
    if name in _MONTH_FIRST_LOCALES:
        return False
    return name.split("_")[0] not in _YEAR_FIRST_LANGUAGES
