"""What the backend keeps of one MAP between syncs, and how it sits in the store.

A :class:`MapState` is the plan as last seen on the sheet (people's inputs plus the
structure they do not see), the computed plan last written, the sheet's remembered
layout and computed cells, the write token of the last write, and, when a write's
outcome is unknown (Google failed mid-call), that write kept as ``pending``: the next
read tells from the sheet's write token whether it was applied.

It also keeps the milestones recorded as removed (the latest :data:`REMOVED_KEPT`), with
the structure people do not see (kind, lead time, category, dependencies): a row whose
hidden ID comes back (Undo of a deleted row) is that milestone again, not a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from service.domain.model import HistoryEntry, Milestone, Plan
from service.domain.parse import milestone_to_json, parse_milestone, parse_plan, plan_to_json
from service.store.records import Snapshot

# How many removed milestones a MAP remembers, latest first kept.
REMOVED_KEPT = 50


@dataclass(frozen=True)
class PendingWrite:
    token: str
    plan: dict[str, Any]
    computed: dict[str, Any]
    sheet: dict[str, Any]
    events: list[dict[str, Any]]
    next_id: int
    new_ids: list[str]


@dataclass(frozen=True)
class MapState:
    plan: Plan
    computed: dict[str, Any]
    sheet: dict[str, Any]
    write_token: str
    reason: str = ""
    known_owners: tuple[str, ...] = ()
    next_id: int = 1
    pending: PendingWrite | None = None
    # The go-live and signature date moves so far (CLOSE_DATE_MOVED reads them).
    close_moves: tuple[HistoryEntry, ...] = ()
    # Cells the last read could not read: labels and milestone ids, for INVALID_INPUT.
    problems: tuple[str, ...] = ()
    problem_ids: tuple[str, ...] = ()
    # Milestones recorded as removed, oldest first: a row whose ID comes back is one.
    removed: tuple[Milestone, ...] = ()

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> MapState:
        state = snapshot.sheet_state
        pending = state.get("pending")
        return cls(
            plan=parse_plan(snapshot.plan),
            computed=snapshot.computed,
            sheet=state["sheet"],
            write_token=state.get("write_token", ""),
            reason=state.get("reason", ""),
            known_owners=tuple(state.get("known_owners", ())),
            next_id=int(state.get("next_id", 1)),
            pending=PendingWrite(**pending) if pending else None,
            close_moves=tuple(
                HistoryEntry(
                    on=date.fromisoformat(m["on"]),
                    field=m["field"],
                    old=m.get("old"),
                    new=m.get("new"),
                    reason=m.get("reason", ""),
                )
                for m in state.get("close_moves", [])
            ),
            problems=tuple(state.get("problems", ())),
            problem_ids=tuple(state.get("problem_ids", ())),
            removed=tuple(
                parse_milestone(m, f"removed[{i}]") for i, m in enumerate(state.get("removed", ()))
            ),
        )

    def snapshot(self) -> dict[str, Any]:
        """The keyword arguments of ``Store.save_snapshot``."""
        sheet_state: dict[str, Any] = {
            "sheet": self.sheet,
            "write_token": self.write_token,
            "reason": self.reason,
            "known_owners": list(self.known_owners),
            "next_id": self.next_id,
            "pending": None if self.pending is None else self.pending.__dict__,
            "close_moves": [
                {
                    "on": m.on.isoformat(),
                    "field": m.field,
                    "old": m.old,
                    "new": m.new,
                    "reason": m.reason,
                }
                for m in self.close_moves
            ],
            "problems": list(self.problems),
            "problem_ids": list(self.problem_ids),
            "removed": [milestone_to_json(m) for m in self.removed],
        }
        return {
            "plan": plan_to_json(_without_history(self.plan)),
            "computed": self.computed,
            "sheet_state": sheet_state,
        }

    def as_stored(self) -> MapState:
        """This state as :meth:`from_snapshot` gives it back from :meth:`snapshot`: the
        plan without its history, activity dates and calibration (the store keeps
        those elsewhere)."""
        return replace(self, plan=_without_history(self.plan))

    def with_removed(self, before: Plan, after: Plan) -> MapState:
        """This state with the milestones ``before`` had and ``after`` has not added to
        the removed ones, and those ``after`` has again taken out."""
        present = {m.id for m in after.milestones}
        gone = [m for m in before.milestones if m.id not in present]
        gone_ids = {m.id for m in gone}
        kept = [m for m in self.removed if m.id not in present and m.id not in gone_ids]
        return replace(self, removed=tuple([*kept, *gone][-REMOVED_KEPT:]))

    def confirm_pending(self, plan: Plan | None = None) -> MapState:
        """The state once the pending write is known to have been applied. ``plan``: the
        pending write's plan when the caller holds it (the write it just made), so that
        its document is not parsed back."""
        assert self.pending is not None
        p = self.pending
        return replace(
            self,
            plan=parse_plan(p.plan) if plan is None else plan,
            computed=p.computed,
            sheet=p.sheet,
            write_token=p.token,
            next_id=p.next_id,
            pending=None,
        )


def _without_history(plan: Plan) -> Plan:
    # History and the activity dates live in the store's tables and the MAP record; the
    # calibration is the organisation's (each sync reads the current one).
    return replace(
        plan,
        calibration=None,
        history=(),
        last_edit_on=None,
        last_buyer_edit_on=None,
        last_reviewed_on=None,
    )
