"""The forecast worked out again only when something it depends on changed.

The forecast is most of the engine's time (at 15 milestones, about 0.8 of its 1 ms: 2,000
runs pushed through the graph), and a pure function of the plan's scheduling fields, the
day and the calibration. Many edits change none of them: a note, an owner's name, a
title, a deliverable. A sync after such an edit would draw the same runs again.

:func:`forecast` keeps, per process, the forecasts it last worked out, keyed by exactly
what they were worked out from: every field of the plan and of each milestone but the
ones listed in :data:`DESCRIPTIVE_PLAN_FIELDS` and :data:`DESCRIPTIVE_MILESTONE_FIELDS`,
which neither the schedule nor the forecast reads, plus the day and the calibration. A
field added to the model later is part of the key unless it is listed there, so it can
only cost a recomputation, never serve a stale forecast. Keys are compared whole (no
digest, so no collision), and a forecast is an immutable value, shared safely.

Bounded by the milestones its keys hold (:data:`HELD_MILESTONES`, about 3 MB), the
least recently used dropped first. Thread-safe. Tested against working it out afresh,
one field changed at a time (``tests/unit/domain/test_forecast_memo.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import Any

from service.domain.calibration import Calibration
from service.domain.forecast import forecast as worked_out
from service.domain.model import Forecast, Milestone, Plan
from service.domain.schedule import Schedule

# Read by neither the schedule nor the forecast (people's words, and the plan's own
# bookkeeping). ``calibration`` is in the key as the one the forecast is given.
DESCRIPTIVE_MILESTONE_FIELDS = frozenset({"title", "owner", "deliverable", "notes"})
DESCRIPTIVE_PLAN_FIELDS = frozenset(
    {
        "account",
        "outcome",
        "shared_on",
        "last_edit_on",
        "last_buyer_edit_on",
        "last_reviewed_on",
        "known_owners",
        "history",
        "milestones",
        "calibration",
    }
)
# The memo holds keys for at most this many milestones in all (a 15-milestone plan's key
# is about 3 KB).
HELD_MILESTONES = 10_000


def _getter(cls: type, descriptive: frozenset[str]) -> attrgetter[Any]:
    return attrgetter(*(f.name for f in fields(cls) if f.name not in descriptive))


_MILESTONE_KEY = _getter(Milestone, DESCRIPTIVE_MILESTONE_FIELDS)
_PLAN_KEY = _getter(Plan, DESCRIPTIVE_PLAN_FIELDS)


class ForecastMemo:
    """Forecasts by key, least recently used dropped first past ``held_milestones``."""

    def __init__(self, held_milestones: int) -> None:
        self._capacity = held_milestones
        self._held = 0
        self._forecasts: OrderedDict[tuple[Any, ...], Forecast] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Forecast | None:
        with self._lock:
            found = self._forecasts.get(key)
            if found is not None:
                self._forecasts.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], milestones: int, value: Forecast) -> None:
        if milestones > self._capacity:
            return
        with self._lock:
            if key in self._forecasts:
                return
            self._forecasts[key] = value
            self._held += milestones
            while self._held > self._capacity:
                old, _ = self._forecasts.popitem(last=False)
                self._held -= len(old[-1])

    def clear(self) -> None:
        with self._lock:
            self._forecasts.clear()
            self._held = 0


_memo = ForecastMemo(HELD_MILESTONES)


def forecast_key(plan: Plan, today: date, calibration: Calibration | None) -> tuple[Any, ...]:
    """What the forecast of ``plan`` on ``today`` is worked out from (milestones last)."""
    return (today, calibration, _PLAN_KEY(plan), tuple(map(_MILESTONE_KEY, plan.milestones)))


def forecast(schedule: Schedule, calibration: Calibration | None) -> Forecast:
    """:func:`service.domain.forecast.forecast`, reused when its inputs are the same."""
    plan = schedule.plan
    key = forecast_key(plan, schedule.today, calibration)
    found = _memo.get(key)
    if found is None:
        found = worked_out(schedule, calibration)
        _memo.put(key, len(plan.milestones), found)
    return found


def forget() -> None:
    """Drop every kept forecast (tests, and benches that time working it out)."""
    _memo.clear()
