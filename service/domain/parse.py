"""The plan document (JSON) <-> :class:`Plan`.

:func:`parse_plan` reads a document the way the plan contract describes it and raises
:class:`PlanInputError` naming the field by its JSON path (``milestones[3].due``) for
anything it cannot read. :func:`plan_to_json` writes a document ``parse_plan`` reads
back to the same plan.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from service.domain.calendar import supported_countries
from service.domain.calibration import Calibration
from service.domain.errors import PlanInputError
from service.domain.graph import MAX_LEAD_BD, PlanGraph
from service.domain.model import Category, HistoryEntry, Kind, Milestone, Plan, Side, Status

__all__ = ["PlanInputError", "parse_plan", "parse_status", "plan_to_json"]

# Dates people can mean in a plan; anything outside is a typo.
MIN_YEAR, MAX_YEAR = 1900, 2399

_STATUS_WORDS: dict[str, Status] = {
    "not started": Status.NOT_STARTED,
    "pending": Status.NOT_STARTED,
    "to do": Status.NOT_STARTED,
    "todo": Status.NOT_STARTED,
    "in progress": Status.IN_PROGRESS,
    "done": Status.DONE,
    "complete": Status.DONE,
    "completed": Status.DONE,
    "blocked": Status.BLOCKED,
    "n/a": Status.NOT_APPLICABLE,
    "not applicable": Status.NOT_APPLICABLE,
    "skipped": Status.NOT_APPLICABLE,
}
_EDGE_SYMBOLS = re.compile(r"^[^\w/]+|[^\w/]+$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_PLAN_FIELDS = (
    "account", "outcome", "go_live", "country", "non_working_days", "quarter_start_month",
    "created_on", "shared_on", "last_edit_on", "last_buyer_edit_on", "last_reviewed_on",
    "known_owners", "history", "milestones", "calibration",
)  # fmt: skip
_MILESTONE_FIELDS = (
    "id", "title", "side", "owner", "category", "kind", "lead_bd", "depends_on", "due",
    "status", "completed_on", "deliverable", "notes",
)  # fmt: skip
_HISTORY_FIELDS = ("on", "field", "old", "new", "reason")

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


def parse_status(text: str) -> Status:
    """A status as people type it: any case, emoji around it, and the usual synonyms.

    A blank cell means "Not started"; anything else unknown is a ``ValueError``.
    """
    if not text.strip():
        return Status.NOT_STARTED
    status = _status_named(text) if len(text) <= _CACHED_TEXT else _status_of(text)
    if status is None:
        known = ", ".join(s.value for s in Status)
        raise ValueError(f"unknown status {text!r}; use one of {known}")
    return status


def _status_of(text: str) -> Status | None:
    words = " ".join(_EDGE_SYMBOLS.sub("", text).replace("-", " ").replace("_", " ").split())
    return _STATUS_WORDS.get(words.casefold())


# Plans spell a handful of statuses and choices: each short spelling is worked out once.
_CACHED_TEXT = 64
_status_named = lru_cache(maxsize=1024)(_status_of)


def parse_plan(doc: object) -> Plan:
    """The plan in a plan document; PlanInputError naming the field if it breaks the contract."""
    obj = _object(doc, "", "the plan document")
    _no_unknown_fields(obj, _PLAN_FIELDS, "")
    if "go_live" not in obj or obj["go_live"] in (None, ""):
        raise PlanInputError("go_live", "the go-live date is required (YYYY-MM-DD)")
    if "milestones" not in obj:
        raise PlanInputError("milestones", "a plan needs at least one milestone")
    plan = Plan(
        account=_text(obj, "account", ""),
        outcome=_text(obj, "outcome", ""),
        go_live=_required_date(obj["go_live"], "go_live"),
        country=_country(obj.get("country"), "country"),
        non_working_days=tuple(_list(obj, "non_working_days", _required_date) or ()),
        quarter_start_month=_quarter_start_month(obj.get("quarter_start_month")),
        created_on=_optional_date(obj, "created_on", ""),
        shared_on=_optional_date(obj, "shared_on", ""),
        last_edit_on=_optional_date(obj, "last_edit_on", ""),
        last_buyer_edit_on=_optional_date(obj, "last_buyer_edit_on", ""),
        last_reviewed_on=_optional_date(obj, "last_reviewed_on", ""),
        known_owners=_optional_tuple(_list(obj, "known_owners", _required_text)),
        history=tuple(_list(obj, "history", _history_entry) or ()),
        milestones=tuple(_list(obj, "milestones", _milestone) or ()),
        calibration=_calibration(obj.get("calibration")),
    )
    PlanGraph.build(plan)  # duplicate ids, unknown ids, cycles, go-live count
    return plan


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan document for ``plan``, every field written out, in the contract's order."""
    return {
        "account": plan.account,
        "outcome": plan.outcome,
        "go_live": plan.go_live.isoformat(),
        "country": plan.country,
        "non_working_days": [d.isoformat() for d in plan.non_working_days],
        "quarter_start_month": plan.quarter_start_month,
        "created_on": _iso(plan.created_on),
        "shared_on": _iso(plan.shared_on),
        "last_edit_on": _iso(plan.last_edit_on),
        "last_buyer_edit_on": _iso(plan.last_buyer_edit_on),
        "last_reviewed_on": _iso(plan.last_reviewed_on),
        "known_owners": None if plan.known_owners is None else list(plan.known_owners),
        "history": [_history_to_json(h) for h in plan.history],
        "milestones": _milestones_to_json(plan.milestones),
        "calibration": None if plan.calibration is None else plan.calibration.to_json(),
    }


class _LastDocuments(threading.local):
    """The documents this thread last wrote for milestones, by the milestone's id()
    (with the milestone, so that a new object at a reused address is not taken for it)."""

    def __init__(self) -> None:
        self.docs: dict[int, tuple[Milestone, dict[str, Any]]] = {}


_last_documents = _LastDocuments()


def _milestones_to_json(milestones: tuple[Milestone, ...]) -> list[dict[str, Any]]:
    """Each milestone's document; for the very milestone object this thread wrote last
    time, a copy of that document. A sync writes its plan twice (the base its History
    keys name, the snapshot), and most milestones are the same objects from one sync to
    the next (a row read again unchanged is its milestone of last time). Milestones are
    frozen; the copies keep the caller free to change what it is given."""
    last = _last_documents.docs
    now: dict[int, tuple[Milestone, dict[str, Any]]] = {}
    docs = []
    for m in milestones:
        kept = last.get(id(m))
        doc = kept[1] if kept is not None and kept[0] is m else _milestone_to_json(m)
        now[id(m)] = (m, doc)
        docs.append({**doc, "depends_on": None if m.depends_on is None else list(m.depends_on)})
    # This call's and the last call's (a sync writes the plan it read, then the new one).
    last.update(now)
    _last_documents.docs = now if len(last) > 2 * len(now) + 64 else last
    return docs


def milestone_to_json(m: Milestone) -> dict[str, Any]:
    """One milestone as the plan document writes it."""
    return _milestone_to_json(m)


def parse_milestone(doc: object, path: str = "milestone") -> Milestone:
    """One milestone of a plan document; PlanInputError naming the field if it breaks
    the contract."""
    return _milestone(doc, path)


def _history_to_json(h: HistoryEntry) -> dict[str, Any]:
    on = h.on.isoformat()
    return {"on": on, "field": h.field, "old": h.old, "new": h.new, "reason": h.reason}


def _milestone_to_json(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "side": m.side.value,
        "owner": m.owner,
        "category": m.category.value,
        "kind": None if m.kind is None else m.kind.value,
        "lead_bd": m.lead_bd,
        "depends_on": None if m.depends_on is None else list(m.depends_on),
        "due": _iso(m.due),
        "status": m.status.value,
        "completed_on": _iso(m.completed_on),
        "deliverable": m.deliverable,
        "notes": m.notes,
    }


# -- milestones and history -------------------------------------------------------


def _milestone(value: object, path: str) -> Milestone:
    obj = _object(value, path, "a milestone")
    _no_unknown_fields(obj, _MILESTONE_FIELDS, path)
    at = f"{path}."
    status_text = _text(obj, "status", "", at)
    try:
        status = parse_status(status_text)
    except ValueError as exc:
        raise PlanInputError(f"{at}status", str(exc)) from None
    depends_on = _list(obj, "depends_on", _milestone_id, at)
    return Milestone(
        id=_milestone_id(obj.get("id"), f"{at}id"),
        title=_required_text(obj.get("title"), f"{at}title"),
        side=_choice(obj, "side", Side, at) or Side.SELLER,
        owner=_text(obj, "owner", "", at).strip(),
        category=_choice(obj, "category", Category, at) or Category.OTHER,
        kind=_choice(obj, "kind", Kind, at),
        lead_bd=_lead_bd(obj.get("lead_bd", 5), f"{at}lead_bd"),
        depends_on=_optional_tuple(depends_on),
        due=_optional_date(obj, "due", at),
        status=status,
        completed_on=_optional_date(obj, "completed_on", at),
        deliverable=_text(obj, "deliverable", "", at).strip(),
        notes=_text(obj, "notes", "", at),
    )


def _history_entry(value: object, path: str) -> HistoryEntry:
    obj = _object(value, path, "a history entry")
    _no_unknown_fields(obj, _HISTORY_FIELDS, path)
    at = f"{path}."
    return HistoryEntry(
        on=_required_date(obj.get("on"), f"{at}on"),
        field=_required_text(obj.get("field"), f"{at}field"),
        old=_scalar_text(obj.get("old"), f"{at}old"),
        new=_scalar_text(obj.get("new"), f"{at}new"),
        reason=_text(obj, "reason", "", at),
    )


# -- field readers ----------------------------------------------------------------


def _object(value: object, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PlanInputError(path, f"{what} must be a JSON object")
    return value


def _no_unknown_fields(obj: Mapping[str, Any], known: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            raise PlanInputError(where, f"unknown field; the fields are {', '.join(known)}")


def _list(
    obj: Mapping[str, Any],
    key: str,
    read: Callable[[object, str], T],
    at: str = "",
) -> list[T] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise PlanInputError(f"{at}{key}", "must be a list")
    return [read(item, f"{at}{key}[{i}]") for i, item in enumerate(value)]


def _optional_tuple(items: list[T] | None) -> tuple[T, ...] | None:
    return None if items is None else tuple(items)


def _text(obj: Mapping[str, Any], key: str, default: str, at: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise PlanInputError(f"{at}{key}", "must be text")
    return value


def _required_text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanInputError(path, "must be non-empty text")
    return value.strip()


def _scalar_text(value: object, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PlanInputError(path, "must be text, a number or null")
    return value if isinstance(value, str) else str(value)


def _milestone_id(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanInputError(path, "a milestone id must be non-empty text")
    return value.strip()


def _choice(obj: Mapping[str, Any], key: str, enum: type[E], at: str) -> E | None:
    """The enum member named by ``obj[key]`` (any case; ``-`` or space for ``_``), or None."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        member = (
            _member_named(enum, value) if len(value) <= _CACHED_TEXT else _member_of(enum, value)
        )
        if member is not None:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise PlanInputError(f"{at}{key}", f"{value!r} is not one of {allowed}")


def _member_of(enum: type[E], value: str) -> E | None:
    wanted = "_".join(value.strip().casefold().replace("-", " ").split())
    return next((member for member in enum if member.value == wanted), None)


_member_named = lru_cache(maxsize=1024)(_member_of)


def _lead_bd(value: object, path: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEAD_BD:
        raise PlanInputError(
            path, f"must be a whole number of business days from 0 to {MAX_LEAD_BD}"
        )
    return value


def _quarter_start_month(value: object) -> int:
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise PlanInputError("quarter_start_month", "must be a month number from 1 to 12")
    return value


def _country(value: object, path: str) -> str:
    if value is None or value == "":
        return "US"
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or code not in supported_countries():
        raise PlanInputError(
            path, f"{value!r} is not a country code we know; use an ISO code such as US, GB or DE"
        )
    return code


def _optional_date(obj: Mapping[str, Any], key: str, at: str) -> date | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    return _required_date(value, f"{at}{key}")


def _required_date(value: object, path: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise PlanInputError(path, f"{value!r} is not a date; write it as YYYY-MM-DD")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise PlanInputError(path, f"{value!r} is not a real date") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PlanInputError(path, f"{value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return day


def _calibration(value: object) -> Calibration | None:
    return None if value is None else Calibration.from_json(value, "calibration")


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
