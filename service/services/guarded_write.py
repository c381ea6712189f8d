"""The one write of a sync, made safe against what Google and people can do meanwhile.

- Write token (exactly-once history, DESIGN I7): every write also stamps a fresh token on
  the spreadsheet (developer metadata ``map.write``). If Google fails mid-write (5xx, a
  dropped connection), we cannot tell whether it landed, so the write is stored as
  *pending*; the next read compares the sheet's token with it and either adopts it
  (recording its history) or drops it (and the next sync redoes the work).
- Verified layout (DESIGN I3): the write asks Google for the key cells as they stand right
  after it (the ID of every milestone row written to, the label of every header row). If
  rows moved between our read and our write, :class:`LayoutChanged` is raised and the
  caller syncs again, which puts every computed cell back on its milestone's row. What
  the write did record (history rows) is kept; the IDs it gave new rows are not trusted
  (they may have landed on other rows) and are re-derived from the next read.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from service.domain.model import ComputedPlan, Plan
from service.domain.parse import plan_to_json
from service.services.map_state import MapState, PendingWrite
from service.sheets import layout
from service.sheets import requests as rq
from service.sheets.errors import GoogleUnavailable, LayoutChanged
from service.sheets.gateway import SheetsGateway
from service.sheets.reader import SheetRead
from service.sheets.sheet_state import to_state
from service.sheets.writer import WritePlan, check_written, verify_ranges
from service.store.records import HistorySource, NewHistoryEvent
from service.store.store import Store


def write_guarded(
    store: Store,
    gateway: SheetsGateway,
    read: SheetRead,
    state: MapState,
    write: WritePlan,
    *,
    plan: Plan,
    computed: ComputedPlan,
    events: list[NewHistoryEvent],
    next_id: int,
    new_ids: list[str],
    token: str | None = None,
) -> MapState:
    """Make ``write``; return the state it leaves (see the module docstring)."""
    token = token or uuid.uuid4().hex
    token_request = (
        rq.set_spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
        if read.write_token is not None
        else rq.spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
    )
    pending = PendingWrite(
        token=token,
        plan=plan_to_json(plan),
        computed=computed.to_json(),
        sheet=remember(read, write),
        events=[event_to_json(e) for e in events],
        next_id=next_id,
        new_ids=new_ids,
    )
    try:
        response = gateway.batch_update(
            read.spreadsheet_id,
            [*write.requests, token_request],
            response_ranges=verify_ranges(write),
        )
    except GoogleUnavailable:
        # Applied or not, we cannot tell: keep it pending; the next read decides.
        store.save_snapshot(read.spreadsheet_id, **replace(state, pending=pending).snapshot())
        raise
    applied = replace(state, pending=pending).confirm_pending()
    try:
        check_written(response, write)
    except LayoutChanged:
        fresh = set(new_ids)
        kept = tuple(m for m in applied.plan.milestones if m.id not in fresh)
        store.append_history(
            [e for e in events if not (e.field == "milestone" and e.milestone_id in fresh)]
        )
        unsure = replace(applied, plan=replace(applied.plan, milestones=kept), sheet={})
        store.save_snapshot(read.spreadsheet_id, **unsure.snapshot())
        raise
    return applied


def adopt_pending(store: Store, spreadsheet_id: str, state: MapState, read: SheetRead) -> MapState:
    """Resolve a write whose outcome was unknown, now that the sheet is read."""
    if state.pending is None:
        return state
    if read.write_token != state.pending.token:
        return replace(state, pending=None)
    confirmed = state.confirm_pending()
    store.append_history([event_from_json(e) for e in state.pending.events])
    store.save_snapshot(spreadsheet_id, **confirmed.snapshot())
    return confirmed


def remember(read: SheetRead, write: WritePlan | None) -> dict[str, Any]:
    """The sheet as the write leaves it, for syncs that do not read."""
    sheet = to_state(read, write)
    sheet["time_zone"] = read.time_zone
    return sheet


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
