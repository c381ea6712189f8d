"""Read-side views of MAPs, built from the store alone (no Google call): the pipeline a
manager reads, and one MAP's plan and risks for the sidebar."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.services.backend import Backend
from service.services.calibrate import basis_words
from service.services.coalesce import sync_coalesced
from service.services.forecast_view import forecast_view
from service.services.map_state import MapState
from service.store.errors import MapNotFound
from service.store.records import MapRecord, MapSort


@dataclass(frozen=True)
class MapView:
    summary: dict[str, Any]
    milestones: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    next_steps: list[dict[str, Any]]
    forecast: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "milestones": self.milestones,
            "risks": self.risks,
            "next_steps": self.next_steps,
            "forecast": self.forecast,
        }


def summary(backend: Backend, record: MapRecord) -> dict[str, Any]:
    """The pipeline row of one MAP."""
    return {
        "spreadsheet_id": record.spreadsheet_id,
        "url": backend.sheet_url(record.spreadsheet_id),
        "account": record.account,
        "seller_email": record.seller_email,
        "committed_go_live": _iso(record.committed_go_live),
        "projected_go_live": _iso(record.projected_go_live),
        "slip_bd": record.slip_bd or 0,
        "health": {"score": record.health_score, "label": record.health_label},
        "top_risks": record.top_risks,
        "last_synced_at": record.last_synced_at.isoformat() if record.last_synced_at else None,
        "forecast": forecast_summary(record),
    }


def forecast_summary(record: MapRecord) -> dict[str, Any]:
    """What the forecast says of one MAP, for the pipeline, and what it is based on."""
    forecast = record.forecast or {}
    basis = forecast.get("basis") or {"kind": "priors", "plans": 0}
    go_live = forecast.get("go_live") or {}
    return {
        "basis": {**basis, "text": basis_words(basis)},
        "p_on_time": go_live.get("p_on_time"),
        "p_signature_quarter": record.p_signature_quarter,
        "signature_target": _iso(record.signature_target),
        "quarter_end": _iso(record.quarter_end),
        "committed_this_quarter": committed_this_quarter(record),
        "amount": record.amount,
    }


def committed_this_quarter(record: MapRecord) -> bool:
    """Would a rep commit this MAP by gut: its signature's committed date falls in the
    current quarter (the one that ends on ``quarter_end``, as of the last sync)."""
    end, signed = record.quarter_end, record.signature_target
    if end is None or signed is None:
        return False
    months = end.year * 12 + end.month - 3  # the quarter's first month, 0-based
    start = date(months // 12, months % 12 + 1, 1)
    return start <= signed <= end


def rollup(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The pipeline's roll-up for the current quarter: expected signatures (the sum of
    each MAP's P(signature this quarter)) and the expected amount (the same sum weighted
    by the amount, over the MAPs whose seller gave one), beside the count and amount a rep
    would commit by gut (MAPs whose committed signature date is in the quarter)."""
    forecasts = [r["forecast"] for r in rows]
    with_amount = [f for f in forecasts if f["amount"] is not None]
    by_gut = [f for f in forecasts if f["committed_this_quarter"]]
    return {
        "maps": len(rows),
        "expected_signatures": round(sum(f["p_signature_quarter"] or 0.0 for f in forecasts), 2),
        "expected_amount": round(
            sum((f["p_signature_quarter"] or 0.0) * f["amount"] for f in with_amount)
        ),
        "maps_with_amount": len(with_amount),
        "committed_by_date": len(by_gut),
        "committed_amount": sum(f["amount"] for f in by_gut if f["amount"] is not None),
    }


def pipeline(
    backend: Backend, org: str, sort: MapSort | str = MapSort.RISK
) -> list[dict[str, Any]]:
    return [summary(backend, r) for r in backend.store.list_maps(org, sort)]


def map_view(backend: Backend, spreadsheet_id: str) -> MapView:
    """One MAP's plan, risks and next steps as last computed."""
    record = backend.store.get_map(spreadsheet_id)
    snapshot = backend.store.latest_snapshot(spreadsheet_id)
    if record is None or snapshot is None:
        raise MapNotFound(spreadsheet_id)
    state = MapState.from_snapshot(snapshot)
    computed = {m["id"]: m for m in state.computed.get("milestones", [])}
    milestones = []
    for m in state.plan.milestones:
        c = computed.get(m.id, {})
        milestones.append(
            {
                "id": m.id,
                "title": m.title,
                "side": m.side.value,
                "owner": m.owner,
                "status": m.status.value,
                "due": _iso(m.due),
                "target": c.get("target"),
                "projected": c.get("projected"),
                "health": c.get("health"),
                "slip_bd": c.get("slip_bd", 0),
            }
        )
    open_steps = [
        m for m in milestones if m["status"] not in ("Done", "N/A") and m["projected"] is not None
    ]
    open_steps.sort(key=lambda m: m["projected"])
    next_steps = [
        {
            "id": m["id"],
            "title": m["title"],
            "owner": m["owner"],
            "target": m["target"],
            "projected": m["projected"],
        }
        for m in open_steps[:3]
    ]
    return MapView(
        summary=summary(backend, record),
        milestones=milestones,
        risks=list(state.computed.get("risks", [])),
        next_steps=next_steps,
        forecast=forecast_view(state.plan, state.computed),
    )


def refresh(backend: Backend, spreadsheet_id: str, *, wait_s: float = 30.0) -> MapView:
    """Sync now (coalesced with any sync under way) and return the fresh view. When
    another worker holds the lease, wait (up to ``wait_s``) for it to cover this request."""
    if backend.store.get_map(spreadsheet_id) is None:
        raise MapNotFound(spreadsheet_id)
    run = sync_coalesced(backend, spreadsheet_id)
    if run.syncs == 0:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            state = backend.store.sync_state(spreadsheet_id)
            if state is None or not state.pending:
                break
            time.sleep(0.05)
    return map_view(backend, spreadsheet_id)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
