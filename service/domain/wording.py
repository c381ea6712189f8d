"""How risk messages name things: milestone lists, counts and dates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from service.domain.model import Milestone

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def titles(milestones: Sequence[Milestone], rows: Iterable[int]) -> str:
    """'"A"', '"A" and "B"', '"A", "B" and "C"', '"A", "B", "C" and 2 more'."""
    names = [f'"{milestones[i].title}"' for i in rows]
    if len(names) > 3:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""


def is_are(rows: Sequence[int]) -> str:
    return "is" if len(rows) == 1 else "are"


def has_have(rows: Sequence[int]) -> str:
    return "has" if len(rows) == 1 else "have"


def business_days(n: int) -> str:
    return f"{n} business day{'' if n == 1 else 's'}"


def day_text(day: date) -> str:
    """``20 Jan 2027``: unambiguous in every country."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
