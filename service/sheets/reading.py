"""One read of a MAP's Plan tab, and the plan it shows (the Google implementation's
``SheetReading``).

:func:`reading_of` parses Google's grid (``reader.py``) against today in the sheet's time
zone. :meth:`GoogleReading.to_plan` matches the rows to milestones (``row_identity.py``)
and turns the cells it could not read into INVALID_INPUT labels and the notes the next
write puts on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from service.clock import local_today
from service.domain.model import Milestone, Plan
from service.services.map_sheets import SheetPlan, Unreadable
from service.sheets.layout import NOTE_PREFIX, NOTICE_PREFIX
from service.sheets.reader import ReadProblem, SheetRead, read_plan, spreadsheet_time_zone
from service.sheets.row_identity import TypedRow, match_rows
from service.sheets.sheet_state import KnownSheet


@dataclass(frozen=True)
class GoogleReading:
    read: SheetRead
    today: date

    @property
    def write_token(self) -> str | None:
        return self.read.write_token

    def to_plan(
        self, known: Plan, *, next_id: int, reason: str, removed: Sequence[Milestone] = ()
    ) -> SheetPlan:
        read = self.read
        rows = [TypedRow(r.row, r.id, r.raw.get("title", ""), r.inputs) for r in read.rows]
        matched = match_rows(rows, known, next_id=next_id, removed=removed)
        problems = [
            replace(p, milestone_id=matched.ids.get(p.row, p.milestone_id)) for p in read.problems
        ]
        header = read.header
        plan = replace(
            known,
            account=header.get("account", known.account) or known.account,
            outcome=header.get("outcome", known.outcome),
            go_live=header.get("go_live") or known.go_live,
            milestones=matched.milestones,
        )
        titles = {m.id: m.title for m in plan.milestones}
        return SheetPlan(
            plan=plan,
            reason=str(header.get("reason", reason)),
            next_id=matched.next_id,
            given_ids=tuple(matched.given_ids.values()),
            unreadable=tuple(Unreadable(_label(p, titles), p.milestone_id) for p in problems),
            logged=tuple(read.logged),
            layout=KnownSheet(
                read,
                row_of={milestone_id: row for row, milestone_id in matched.ids.items()},
                given_ids=matched.given_ids,
                notes={
                    **{(n.row, n.col): f"{NOTICE_PREFIX}{n.message}" for n in read.notices},
                    **{(p.row, p.col): f"{NOTE_PREFIX}{p.message}" for p in problems},
                },
            ),
        )


def reading_of(spreadsheet: dict[str, Any], now: datetime) -> GoogleReading:
    """The reading of ``spreadsheet`` (one ``spreadsheets.get``'s reply) at ``now``."""
    today = local_today(now, spreadsheet_time_zone(spreadsheet))
    return GoogleReading(read_plan(spreadsheet, today=today), today)


def _label(problem: ReadProblem, titles: dict[str, str]) -> str:
    where = f' of "{titles[problem.milestone_id]}"' if problem.milestone_id in titles else ""
    return f'{problem.field}{where}: "{problem.raw}"'
