"""The one write of a sync, kept safe against what Google and people can do meanwhile:
the use cases' half. (The spreadsheet's half, stamping the write token and verifying
where the write landed, is the implementation's: see ``map_sheets.MapSheets.write``.)

- Exactly-once history (DESIGN I7): every write stamps a fresh token on the spreadsheet.
  If Google fails mid-write (5xx, a dropped connection), nobody can tell whether it
  landed, so the write is stored as *pending*; the next read compares the sheet's token
  with it and either adopts it (recording its history once) or drops it (and that sync
  redoes the work).
- Rows moved (DESIGN I3): when the write reports :class:`LayoutChanged`, the caller syncs
  again, which puts every computed cell back on its milestone's row. What the write did
  record (history rows) is kept; the IDs it gave rows are not trusted (they may have
  landed on other rows) and come from the next read, as does the layout.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any, NamedTuple

from service.domain.model import ComputedPlan, Plan
from service.domain.parse import plan_to_json
from service.services.map_sheets import MapSheets, SheetWrite
from service.services.map_state import MapState, PendingWrite
from service.sheets.errors import GoogleUnavailable, LayoutChanged
from service.store.records import HistorySource, NewHistoryEvent
from service.store.store import Store


class Guarded(NamedTuple):
    """What a write made: the state it leaves, and the snapshot version that announced
    it as pending (the sync's record replaces that version with the confirmed state, in
    place, rather than adding one more)."""

    state: MapState
    announced_version: int


def write_guarded(
    store: Store,
    sheets: MapSheets,
    spreadsheet_id: str,
    state: MapState,
    write: SheetWrite,
    *,
    plan: Plan,
    computed: ComputedPlan,
    events: list[NewHistoryEvent],
    next_id: int,
    given_ids: list[str],
    token: str,
) -> Guarded:
    """Make ``write``; return the state it leaves and the version of the snapshot that
    announced it (see the module docstring)."""
    pending = PendingWrite(
        token=token,
        plan=plan_to_json(plan),
        computed=computed.to_json(),
        sheet=write.layout_after(),
        events=[event_to_json(e) for e in events],
        next_id=next_id,
        new_ids=given_ids,
    )
    # Written ahead: if this process dies, or the store fails, after the write lands,
    # the next read finds the token on the sheet and adopts the write (its history once).
    announced = store.save_snapshot(spreadsheet_id, **replace(state, pending=pending).snapshot())
    try:
        sheets.write(write, token=token)
    except GoogleUnavailable:
        # Applied or not, we cannot tell: it stays pending; the next read decides.
        raise
    except LayoutChanged:
        applied = replace(state, pending=pending).confirm_pending()
        untrusted = set(given_ids)
        kept = tuple(m for m in applied.plan.milestones if m.id not in untrusted)
        unsure = replace(applied, plan=replace(applied.plan, milestones=kept), sheet={})
        with store.transaction():
            store.append_history(
                [e for e in events if not (e.field == "milestone" and e.milestone_id in untrusted)]
            )
            store.save_snapshot(spreadsheet_id, **unsure.snapshot())
        raise
    return Guarded(replace(state, pending=pending).confirm_pending(plan), announced.version)


def adopt_pending(
    store: Store, spreadsheet_id: str, state: MapState, write_token: str | None
) -> MapState:
    """Resolve a write whose outcome was unknown, now that the sheet's token is read."""
    if state.pending is None:
        return state
    if write_token != state.pending.token:
        return replace(state, pending=None)
    confirmed = state.confirm_pending()
    with store.transaction():
        store.append_history([event_from_json(e) for e in state.pending.events])
        store.save_snapshot(spreadsheet_id, **confirmed.snapshot())
    return confirmed


def event_to_json(event: NewHistoryEvent) -> dict[str, Any]:
    return {
        "spreadsheet_id": event.spreadsheet_id,
        "on": event.on.isoformat(),
        "field": event.field,
        "old": event.old,
        "new": event.new,
        "source": str(event.source),
        "dedupe_key": event.dedupe_key,
        "actor": event.actor,
        "milestone_id": event.milestone_id,
        "reason": event.reason,
        "at": event.at.isoformat() if event.at else None,
    }


def event_from_json(data: dict[str, Any]) -> NewHistoryEvent:
    return NewHistoryEvent(
        **{
            **data,
            "on": date.fromisoformat(data["on"]),
            "source": HistorySource(data["source"]),
            "at": datetime.fromisoformat(data["at"]) if data.get("at") else None,
        }
    )
