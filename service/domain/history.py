"""What changed between two versions of a plan: the history a MAP keeps.

:func:`diff_plans` compares the plan as last seen with the plan as read now and
returns one :class:`Change` per changed field (milestones added, removed, restored or
edited; the go-live date; account and outcome). A milestone is *restored* when it
comes back with the id of one recorded as removed (Undo of a deleted row). Changes to
the go-live date and to the signature milestone's date also become
:class:`HistoryEntry` rows for the engine's CLOSE_DATE_MOVED rule, "explained" when a
reason was written in the same sync.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from service.domain.model import HistoryEntry, Kind, Milestone, Plan

# Milestone fields people edit, in the order history lists them.
TRACKED_FIELDS = ("title", "side", "owner", "deliverable", "due", "status", "completed_on", "notes")
# Plan-level fields people edit.
PLAN_FIELDS = ("account", "outcome", "go_live")


@dataclass(frozen=True, slots=True)
class Change:
    milestone_id: str | None  # None for plan-level fields
    milestone_title: str
    field: str  # a tracked field, or "milestone" for added/removed
    old: str
    new: str
    reason: str = ""


def diff_plans(
    old: Plan,
    new: Plan,
    *,
    reason: str = "",
    reason_changed: bool = False,
    removed: Collection[str] = (),
) -> list[Change]:
    """The changes from ``old`` to ``new``. ``reason`` is the "Reason for change" text
    beside Go-Live; it explains a go-live move only when it changed in the same sync.
    ``removed``: ids of milestones recorded as removed earlier; one back in ``new`` is
    restored, not added."""
    changes: list[Change] = []
    for name in PLAN_FIELDS:
        before, after = _text(getattr(old, name)), _text(getattr(new, name))
        if before != after:
            why = reason if name == "go_live" and reason_changed else ""
            changes.append(Change(None, "", name, before, after, why))
    old_by_id = {m.id: m for m in old.milestones}
    new_ids = {m.id for m in new.milestones}
    for milestone in new.milestones:
        previous = old_by_id.get(milestone.id)
        if previous is None:
            if milestone.id in removed:
                changes.append(
                    Change(milestone.id, milestone.title, "milestone", "removed", "restored")
                )
            else:
                changes.append(Change(milestone.id, milestone.title, "milestone", "", "added"))
            continue
        if previous is milestone:
            continue  # the row shows the milestone as it was (``row_identity``)
        for name in TRACKED_FIELDS:
            value = getattr(milestone, name)
            earlier = getattr(previous, name)
            if value == earlier:
                continue  # equal values read the same
            before, after = _text(earlier), _text(value)
            if before != after:
                changes.append(Change(milestone.id, milestone.title, name, before, after))
    for milestone in old.milestones:
        if milestone.id not in new_ids:
            changes.append(Change(milestone.id, milestone.title, "milestone", "present", "removed"))
    return changes


def close_date_entries(changes: list[Change], new: Plan, *, on: date) -> list[HistoryEntry]:
    """The go-live and signature date moves among ``changes``, as the engine's history.

    A signature move is explained when that milestone's Notes changed in the same sync
    (the person wrote why), a go-live move when the Reason for change cell did.
    """
    signature_ids = {m.id for m in new.milestones if m.kind is Kind.SIGNATURE}
    notes_changed = {c.milestone_id for c in changes if c.field == "notes"}
    notes_by_id = {m.id: m.notes for m in new.milestones}
    entries: list[HistoryEntry] = []
    for change in changes:
        if change.milestone_id is None and change.field == "go_live":
            entries.append(
                HistoryEntry(
                    on=on, field="go_live", old=change.old, new=change.new, reason=change.reason
                )
            )
        elif change.field == "due" and change.milestone_id in signature_ids:
            why = (
                notes_by_id.get(change.milestone_id, "")
                if change.milestone_id in notes_changed
                else ""
            )
            entries.append(
                HistoryEntry(on=on, field="signature", old=change.old, new=change.new, reason=why)
            )
    return entries


def owners_of(milestones: tuple[Milestone, ...]) -> list[str]:
    """The distinct non-empty owners, in table order."""
    return list(dict.fromkeys(m.owner for m in milestones if m.owner.strip()))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
