"""Which row is which milestone, and the milestones the rows make.

Identity: a row is the milestone whose ID its hidden ID cell holds. A row without an
ID (a person added it), with an ID we do not know, or with an ID another row already
has (a copied row) is matched by its title to a milestone that is missing from the
sheet; failing that it is a new milestone and gets the next free ID (``m<n>``, never
reused). Structure people do not see (category, kind, lead time, dependencies) comes
from the previous plan; a new row gets the defaults (lead time 5 business days, after
the row above it). Dependencies on milestones no longer on the sheet are dropped.

A row whose ID is that of a milestone recorded as removed (``removed``: Undo of a
deleted row brings its hidden ID back) is that milestone again, with its structure; it
is matched by its ID only, never by its title.

Rows are given by a key of the caller's choosing (a row index here; anything hashable
for another backend), the ID in their ID cell, their title and the inputs that could be
read (a key is absent when its cell could not be, so the milestone keeps its last good
value).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from service.domain.model import Milestone, Plan, Side, Status

Key = TypeVar("Key", bound=Hashable)

_ID_NUMBER = re.compile(r"^m(\d+)$")


@dataclass(frozen=True)
class TypedRow(Generic[Key]):
    """One milestone row as read."""

    key: Key
    id: str | None  # from the ID cell; None when it is empty
    title: str  # as shown, for matching a row by its title
    inputs: Mapping[str, Any]  # parsed inputs by field; absent when unreadable


@dataclass(frozen=True)
class MatchedRows(Generic[Key]):
    milestones: tuple[Milestone, ...]  # in row order
    ids: dict[Key, str]  # row -> milestone id
    given_ids: dict[Key, str]  # rows whose ID cell must be (re)written -> id
    next_id: int


def match_rows(
    rows: Sequence[TypedRow[Key]],
    previous: Plan,
    *,
    next_id: int,
    removed: Sequence[Milestone] = (),
) -> MatchedRows[Key]:
    """The milestone of every row, given the plan as last seen, the next free id number
    and the milestones recorded as removed."""
    known = {m.id: m for m in removed}
    known.update((m.id, m) for m in previous.milestones)
    next_id = max(next_id, _next_free(known))
    assigned: dict[Key, str] = {}
    used: set[str] = set()
    unmatched: list[TypedRow[Key]] = []
    for row in rows:
        if row.id and row.id in known and row.id not in used:
            assigned[row.key] = row.id
            used.add(row.id)
        else:
            unmatched.append(row)
    missing_by_title: dict[str, list[str]] = {}
    for m in previous.milestones:
        if m.id not in used:
            missing_by_title.setdefault(_title_key(m.title), []).append(m.id)
    given: dict[Key, str] = {}
    for row in unmatched:
        candidates = missing_by_title.get(_title_key(row.title), [])
        if candidates:
            milestone_id = candidates.pop(0)
        else:
            milestone_id = f"m{next_id}"
            next_id += 1
        assigned[row.key] = milestone_id
        used.add(milestone_id)
        if row.id != milestone_id:
            given[row.key] = milestone_id
    milestones = _milestones(rows, assigned, known)
    return MatchedRows(
        milestones=_drop_dangling_dependencies(milestones),
        ids={row.key: assigned[row.key] for row in rows},
        given_ids=given,
        next_id=next_id,
    )


class _LastMade(threading.local):
    """What :func:`_milestones` made of each row the last time on this thread, by row
    key: the row's inputs and title, its milestone id, the milestone it was before, and
    the milestone made."""

    def __init__(self) -> None:
        self.made: dict[Any, tuple[Mapping[str, Any], str, str, Milestone | None, Milestone]] = {}


_last_made = _LastMade()


def _milestones(
    rows: Sequence[TypedRow[Key]], assigned: dict[Key, str], known: dict[str, Milestone]
) -> list[Milestone]:
    """Each row's milestone (:func:`_milestone`). A row whose inputs are the very ones
    this thread's last call had at that key (the reader gives a row read again unchanged
    its inputs of last time, ``reader._read_rows``), with the same title and id, and
    whose milestone before is the very one it was then, gives the milestone it gave then
    without comparing its fields again. Inputs and milestones are never changed in
    place; a thread keeps one plan's rows."""
    last = _last_made.made
    now: dict[Any, tuple[Mapping[str, Any], str, str, Milestone | None, Milestone]] = {}
    made: list[Milestone] = []
    for row in rows:
        milestone_id = assigned[row.key]
        before = known.get(milestone_id)
        kept = last.get(row.key)
        if (
            kept is not None
            and kept[0] is row.inputs
            and kept[3] is before
            and kept[2] == milestone_id
            and kept[1] == row.title
        ):
            milestone = kept[4]
        else:
            milestone = _milestone(row, milestone_id, before)
        now[row.key] = (row.inputs, row.title, milestone_id, before, milestone)
        made.append(milestone)
    _last_made.made = now
    return made


def _milestone(row: TypedRow[Any], milestone_id: str, before: Milestone | None) -> Milestone:
    base = before or Milestone(id=milestone_id, title=row.title)
    values: dict[str, Any] = {}
    inputs = row.inputs
    if "side" in inputs:
        values["side"] = Side(inputs["side"]) if inputs["side"] else base.side
    if "status" in inputs:
        values["status"] = Status(inputs["status"])
    for key in ("title", "owner", "deliverable", "notes", "due", "completed_on"):
        if key in inputs:
            values[key] = inputs[key]
    if base.id == milestone_id and all(getattr(base, k) == v for k, v in values.items()):
        # The row shows the milestone as it was: the same object, so that what compares
        # plans (the diff, the snapshot's "did the state change") finds it unchanged at
        # a glance. Most rows of most syncs.
        return base
    return replace(base, id=milestone_id, **values)


def _drop_dangling_dependencies(milestones: list[Milestone]) -> tuple[Milestone, ...]:
    """A milestone left with none of its explicit predecessors follows the row above it
    again."""
    ids = {m.id for m in milestones}
    result = []
    for m in milestones:
        if m.depends_on:
            kept = tuple(d for d in m.depends_on if d in ids and d != m.id)
            if kept != m.depends_on:
                m = replace(m, depends_on=kept or None)
        result.append(m)
    return tuple(result)


def _next_free(known: dict[str, Milestone]) -> int:
    numbers = [int(match.group(1)) for i in known if (match := _ID_NUMBER.match(i))]
    return max(numbers, default=0) + 1


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()
