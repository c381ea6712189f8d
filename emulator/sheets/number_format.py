"""Numbers as Sheets shows them: date serials and number-format patterns (en_US).

Dates and times are serial numbers, days since 1899-12-30 with the time of day as the
fraction. ``format_number`` renders a number through a ``NumberFormat`` the way the
formatted value of a cell reads:

- no pattern ("automatic"): integers plainly, other numbers rounded to 10 decimals
  (``0.0009765625``), very large or small magnitudes in scientific notation;
- date and time patterns built from ``yyyy yy mmmm mmm mm m dddd ddd dd d hh h ss
  am/pm a/p`` with ``"quoted"`` and ``\\``-escaped literals (``m`` is minutes next to
  an hour or a second, months elsewhere);
- number patterns from ``0 # ? , . % E+00`` with literal prefixes and suffixes
  (``$#,##0.00``, ``0.00%``, ``#,##0``), and up to three ``;`` sections (positive,
  negative, zero).

Anything else falls back to the automatic rendering.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def serial_from_datetime(moment: datetime | date) -> float:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


# The serial of 9999-12-31 23:59:59.999, the last moment a date can show.
LAST_DATE_SERIAL = 2958465.99999


def is_date_serial(serial: float) -> bool:
    """Whether ``serial`` is a moment between 1899-12-30 and the end of the year 9999."""
    return math.isfinite(serial) and 0 <= serial <= LAST_DATE_SERIAL


def datetime_from_serial(serial: float) -> datetime:
    # Round to the millisecond, as Sheets keeps times.
    millis = round(serial * 86_400_000)
    return EPOCH + timedelta(milliseconds=millis)


def json_number(value: float) -> int | float:
    """A number for JSON: integral values without a fraction, as Google writes them."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return int(value)
    return value


def automatic(value: float) -> str:
    """A number without a format, as Sheets shows it."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-10:
        mantissa, exponent = f"{value:.14E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}E{sign}{int(exponent.lstrip('+-')):02d}"
    if value == int(value):
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    digits = len(text.replace("-", "").replace(".", "").lstrip("0"))
    if digits > 15:
        text = f"{value:.{max(0, 15 - len(str(int(magnitude))))}f}".rstrip("0").rstrip(".")
    return text


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    """``value`` rendered through ``number_format`` (a NumberFormat dict or None)."""
    pattern = (number_format or {}).get("pattern", "")
    kind = (number_format or {}).get("type", "")
    if not pattern:
        if kind in DATE_TYPES:
            pattern = {"DATE": "M/d/yyyy", "TIME": "h:mm:ss am/pm"}.get(kind, "M/d/yyyy H:mm:ss")
        elif kind == "PERCENT":
            pattern = "0.00%"
        elif kind == "CURRENCY":
            pattern = '"$"#,##0.00'
        elif kind == "SCIENTIFIC":
            pattern = "0.00E+00"
        else:
            return automatic(value)
    sections = _split_sections(pattern)
    section = sections[0]
    negative_prefix = ""
    if value < 0 and len(sections) > 1:
        section, value = sections[1], -value
    elif value == 0 and len(sections) > 2:
        section = sections[2]
    elif value < 0:
        negative_prefix, value = "-", -value
    if kind in DATE_TYPES or (kind == "" and _looks_like_date(section)):
        if not is_date_serial(value):
            # Beyond the dates there are (a person typed 20270304 in a date cell): the
            # number is shown as it is, and the read answers as it does for any cell.
            return automatic(-value if negative_prefix else value)
        return negative_prefix + format_datetime(value, section)
    return negative_prefix + _format_digits(value, section)


def _split_sections(pattern: str) -> list[str]:
    sections, current, quoted, i = [], [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(pattern):
            current.append(pattern[i : i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    sections.append("".join(current))
    return sections


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|am/pm|AM/PM|a/p|A/P|\[h+\]|\[m+\]|\[s+\]|y+|m+|d+|h+|s+|\.0+|.',
    re.IGNORECASE,
)


def _looks_like_date(section: str) -> bool:
    stripped = re.sub(r'"[^"]*"|\\.', "", section)
    return bool(re.search(r"[ydhs]", stripped, re.IGNORECASE)) or (
        bool(re.search(r"m", stripped, re.IGNORECASE)) and not re.search(r"[0#]", stripped)
    )


def format_datetime(serial: float, pattern: str) -> str:
    moment = datetime_from_serial(serial)
    tokens = _DATE_TOKEN.findall(pattern)
    twelve_hour = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    kinds = [_date_token_kind(t) for t in tokens]
    out: list[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        kind = kinds[i]
        if kind == "m":
            if _is_minute(kinds, i):
                out.append(f"{moment.minute:02d}" if len(token) >= 2 else str(moment.minute))
            else:
                out.append(_month(moment, len(token)))
        elif kind == "y":
            out.append(f"{moment.year % 100:02d}" if len(token) <= 2 else f"{moment.year:04d}")
        elif kind == "d":
            out.append(_day(moment, len(token)))
        elif kind == "h":
            hour = moment.hour
            if twelve_hour:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if len(token) >= 2 else str(hour))
        elif kind == "s":
            out.append(f"{moment.second:02d}" if len(token) >= 2 else str(moment.second))
        elif kind == "frac":
            digits = len(token) - 1
            frac = moment.microsecond / 1_000_000
            out.append("." + f"{frac:.{digits}f}"[2:])
        elif kind == "ampm":
            pm = moment.hour >= 12
            if low == "a/p":
                out.append(("p" if pm else "a") if token[0].islower() else ("P" if pm else "A"))
            else:
                out.append("PM" if pm else "AM")
        elif kind == "elapsed":
            total_hours = int(serial * 24)
            out.append(str(total_hours))
        else:
            out.append(_literal(token))
    return "".join(out)


def _date_token_kind(token: str) -> str:
    low = token.lower()
    if low in ("am/pm", "a/p"):
        return "ampm"
    if low.startswith("[h"):
        return "elapsed"
    if low[0] in "ymdhs" and len(set(low)) == 1:
        return low[0]
    if re.fullmatch(r"\.0+", low):
        return "frac"
    return "lit"


def _is_minute(kinds: list[str], i: int) -> bool:
    for j in range(i - 1, -1, -1):
        if kinds[j] in ("lit", "frac"):
            continue
        if kinds[j] == "h":
            return True
        break
    for j in range(i + 1, len(kinds)):
        if kinds[j] in ("lit", "frac"):
            continue
        return kinds[j] == "s"
    return False


def _month(moment: datetime, width: int) -> str:
    name = _MONTHS[moment.month - 1]
    if width >= 5:
        return name[0]
    if width == 4:
        return name
    if width == 3:
        return name[:3]
    return f"{moment.month:02d}" if width == 2 else str(moment.month)


def _day(moment: datetime, width: int) -> str:
    name = _DAYS[moment.weekday()]
    if width >= 4:
        return name
    if width == 3:
        return name[:3]
    return f"{moment.day:02d}" if width == 2 else str(moment.day)


def _literal(token: str) -> str:
    if token.startswith('"') and token.endswith('"') and len(token) >= 2:
        return token[1:-1]
    if token.startswith("\\") and len(token) == 2:
        return token[1]
    return token


_NUMBER_PART = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?(?:[eE][+-][0#]+)?|\.[0#?]+")


def _format_digits(value: float, section: str) -> str:
    literal_free = re.sub(r'"[^"]*"|\\.', lambda m: "\x00" * len(m.group(0)), section)
    match = _NUMBER_PART.search(literal_free)
    if match is None:
        return "".join(_literal(t) for t in re.findall(r'"[^"]*"|\\.|.', section))
    prefix = section[: match.start()]
    spec = section[match.start() : match.end()]
    suffix = section[match.end() :]
    if "%" in re.sub(r'"[^"]*"|\\.', "", prefix + suffix):
        value *= 100
    body = _render_spec(value, spec)
    render = "".join(_literal(t) for t in re.findall(r'"[^"]*"|\\.|.', prefix))
    tail = "".join(_literal(t) for t in re.findall(r'"[^"]*"|\\.|.', suffix))
    return render + body + tail


def _render_spec(value: float, spec: str) -> str:
    exponent_part = ""
    mantissa_spec = spec
    exp_match = re.search(r"[eE]([+-])([0#]+)$", spec)
    if exp_match:
        mantissa_spec = spec[: exp_match.start()]
        exponent = 0 if value == 0 else math.floor(math.log10(abs(value)))
        value = value / (10**exponent) if value else 0.0
        sign = "-" if exponent < 0 else ("+" if exp_match.group(1) == "+" else "")
        exponent_part = f"E{sign}{abs(exponent):0{len(exp_match.group(2))}d}"
    int_spec, _, frac_spec = mantissa_spec.partition(".")
    grouping = "," in int_spec
    min_int = int_spec.count("0")
    max_frac = sum(frac_spec.count(c) for c in "0#?")
    min_frac = frac_spec.count("0")
    text = f"{value:.{max_frac}f}"
    whole, _, frac = text.partition(".")
    if frac:
        frac = frac.rstrip("0").ljust(min_frac, "0")
    if whole == "0" and min_int == 0:
        whole = ""
    whole = whole.rjust(min_int, "0")
    if grouping and whole:
        whole = f"{int(whole):,}"
    out = whole + ("." + frac if frac or (max_frac and min_frac) else "")
    if not out:
        out = "0" if not frac_spec else ""
    return out + exponent_part
