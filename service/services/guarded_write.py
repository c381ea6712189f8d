"""The one write of a sync, kept safe against what Google and people can do meanwhile:
the use cases' half. (The spreadsheet's half, stamping the write token and verifying
where the write landed, is the implementation's: see ``map_sheets.MapSheets.write``.)

- Exactly-once history (DESIGN I7): every write stamps a fresh token on the spreadsheet.
  If Google fails mid-write (5xx, a dropped connection, a client timeout), nobody can
  tell whether it landed, so the write is then stored as *pending*; the next read
  compares the sheet's token with it and either adopts it (recording its history once)
  or drops it (and that sync redoes the work).
- Nothing is stored before the write. Should the process die, or the store fail, after
  the write lands and before the sync's record commits, the sheet carries a token the
  store never recorded: the next sync reads the History tab's rows as well, diffs from
  the same snapshot (so its changes get the same event ids), finds the rows the write
  left by their ids and adds none, and the store keeps each event once (its dedupe key
  is unique). See docs/sync.md, "Invariants after a crash".
- Rows moved (DESIGN I3): when the write reports :class:`LayoutChanged`, the caller syncs
  again, which puts every computed cell back on its milestone's row. What the write did
  record (history rows) is kept; the IDs it gave rows are not trusted (they may have
  landed on other rows) and come from the next read, as does the layout.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from service.domain.model import ComputedPlan, Plan
from service.domain.parse import plan_to_json
from service.services.map_sheets import MapSheets, SheetWrite
from service.services.map_state import MapState, PendingWrite
from service.sheets.errors import GoogleUnavailable, LayoutChanged
from service.store.records import HistorySource, NewHistoryEvent
from service.store.store import Store

log = logging.getLogger(__name__)


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
) -> MapState:
    """Make ``write``; return the state it leaves, for the caller to record (see the
    module docstring)."""
    try:
        sheets.write(write, token=token)
    except GoogleUnavailable:
        # Applied or not, we cannot tell: kept pending; the next read decides.
        pending = PendingWrite(
            token=token,
            plan=plan_to_json(plan),
            computed=computed.to_json(),
            sheet=write.layout_after(),
            events=[event_to_json(e) for e in events],
            next_id=next_id,
            new_ids=given_ids,
        )
        _keep_pending(store, spreadsheet_id, replace(state, pending=pending))
        raise
    except LayoutChanged:
        untrusted = set(given_ids)
        kept = tuple(m for m in plan.milestones if m.id not in untrusted)
        unsure = _applied(state, write, replace(plan, milestones=kept), computed, next_id, token)
        with store.transaction():
            store.append_history(
                [e for e in events if not (e.field == "milestone" and e.milestone_id in untrusted)]
            )
            store.save_snapshot(spreadsheet_id, **replace(unsure, sheet={}).snapshot())
        raise
    return _applied(state, write, plan, computed, next_id, token)


def _applied(
    state: MapState,
    write: SheetWrite,
    plan: Plan,
    computed: ComputedPlan,
    next_id: int,
    token: str,
) -> MapState:
    """The state ``write`` leaves once it landed."""
    return replace(
        state,
        plan=plan,
        computed=computed.to_json(),
        sheet=write.layout_after(),
        write_token=token,
        next_id=next_id,
        pending=None,
    )


def _keep_pending(store: Store, spreadsheet_id: str, state: MapState) -> None:
    """Store ``state`` with its pending write. Should the store fail too, the write's
    token on the sheet, unknown to the store, leads the next sync to the same place
    (the module docstring); the caller sees Google's error either way."""
    try:
        store.save_snapshot(spreadsheet_id, **state.snapshot())
    except Exception as exc:  # the store's own errors and its driver's: Google's stands
        log.warning("a write of unknown outcome to %s not kept as pending: %s", spreadsheet_id, exc)


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
