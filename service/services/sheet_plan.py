"""From what people typed (a :class:`SheetRead`) and what we knew (the previous plan)
to the plan as it stands now.

Identity: a row is the milestone whose ID its hidden ID cell holds. A row without an
ID (a person added it), with an ID we do not know, or with an ID another row already
has (a copied row) is matched by its title to a milestone that is missing from the
sheet; failing that it is a new milestone and gets the next free ID. Structure people
do not see (category, kind, lead time, dependencies) comes from the previous plan; a
new row gets the defaults (lead time 5 business days, after the row above it).

A cell that could not be read keeps its last good value in the plan (or the
default), and becomes an INVALID_INPUT problem with a note on the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from service.domain.model import Milestone, Plan, Side, Status
from service.sheets.layout import NOTE_PREFIX
from service.sheets.reader import MilestoneRow, ReadProblem, SheetRead

_ID_NUMBER = re.compile(r"^m(\d+)$")


@dataclass
class SheetPlan:
    plan: Plan
    row_of: dict[str, int]  # milestone id -> row index on the Plan tab
    new_ids: dict[int, str]  # row index -> id to write into its ID cell
    problems: list[ReadProblem] = field(default_factory=list)
    reason: str = ""
    next_id: int = 1


def plan_from_sheet(
    read: SheetRead, previous: Plan, *, next_id: int, reason: str = ""
) -> SheetPlan:
    """The plan the sheet now shows, given the plan as last seen."""
    known = {m.id: m for m in previous.milestones}
    next_id = max(next_id, _next_free(known))
    assigned: dict[int, str] = {}
    used: set[str] = set()
    unmatched_rows: list[MilestoneRow] = []
    for row in read.rows:
        if row.id and row.id in known and row.id not in used:
            assigned[row.row] = row.id
            used.add(row.id)
        else:
            unmatched_rows.append(row)
    missing_by_title: dict[str, list[str]] = {}
    for m in previous.milestones:
        if m.id not in used:
            missing_by_title.setdefault(_title_key(m.title), []).append(m.id)
    new_ids: dict[int, str] = {}
    for row in unmatched_rows:
        candidates = missing_by_title.get(_title_key(row.raw.get("title", "")), [])
        if candidates:
            milestone_id = candidates.pop(0)
        else:
            milestone_id = f"m{next_id}"
            next_id += 1
        assigned[row.row] = milestone_id
        used.add(milestone_id)
        if row.id != milestone_id:
            new_ids[row.row] = milestone_id

    problems = [replace(p, milestone_id=assigned.get(p.row, p.milestone_id)) for p in read.problems]
    milestones = []
    for row in read.rows:
        milestone_id = assigned[row.row]
        milestones.append(_milestone(row, milestone_id, known.get(milestone_id)))
    milestones = _drop_dangling_dependencies(milestones)

    header = read.header
    plan = replace(
        previous,
        account=header.get("account", previous.account) or previous.account,
        outcome=header.get("outcome", previous.outcome),
        go_live=header.get("go_live") or previous.go_live,
        milestones=tuple(milestones),
    )
    return SheetPlan(
        plan=plan,
        row_of={assigned[r.row]: r.row for r in read.rows},
        new_ids=new_ids,
        problems=problems,
        reason=str(header.get("reason", reason)),
        next_id=next_id,
    )


def _milestone(row: MilestoneRow, milestone_id: str, before: Milestone | None) -> Milestone:
    base = before or Milestone(id=milestone_id, title=row.raw.get("title", ""))
    values: dict[str, Any] = {}
    inputs = row.inputs
    if "title" in inputs:
        values["title"] = inputs["title"]
    if "side" in inputs:
        values["side"] = Side(inputs["side"]) if inputs["side"] else base.side
    for key in ("owner", "deliverable", "notes"):
        if key in inputs:
            values[key] = inputs[key]
    for key in ("due", "completed_on"):
        if key in inputs:
            values[key] = inputs[key]
    if "status" in inputs:
        values["status"] = Status(inputs["status"])
    return replace(base, id=milestone_id, **values)


def _drop_dangling_dependencies(milestones: list[Milestone]) -> list[Milestone]:
    """Dependencies on deleted milestones are dropped; a milestone left with none of
    its explicit predecessors follows the row above it again."""
    ids = {m.id for m in milestones}
    result = []
    for m in milestones:
        if m.depends_on:
            kept = tuple(d for d in m.depends_on if d in ids and d != m.id)
            if kept != m.depends_on:
                m = replace(m, depends_on=kept or None)
        result.append(m)
    return result


def _next_free(known: dict[str, Milestone]) -> int:
    numbers = [int(match.group(1)) for i in known if (match := _ID_NUMBER.match(i))]
    return max(numbers, default=0) + 1


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def problem_notes(problems: list[ReadProblem]) -> dict[tuple[int, int], str]:
    """The note each unreadable cell gets."""
    return {(p.row, p.col): f"{NOTE_PREFIX}{p.message}" for p in problems}


def problem_labels(problems: list[ReadProblem], plan: Plan) -> list[str]:
    titles = {m.id: m.title for m in plan.milestones}
    labels = []
    for p in problems:
        where = f' of "{titles[p.milestone_id]}"' if p.milestone_id in titles else ""
        labels.append(f'{p.field}{where}: "{p.raw}"')
    return labels
