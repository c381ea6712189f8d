"""MAPs put straight into the store, as provisioning leaves them, for tests that read
them through the API without a spreadsheet behind them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from service.domain.compute import compute
from service.domain.model import Status
from service.services.map_state import MapState
from service.services.sync import summary_fields
from service.store import MapRecord, Store
from service.templates import load_template
from tests.clock import START
from tests.integration.web.flows import GO_LIVE
from tests.integration.web.tokens import ORG, SELLER


def seed_map(
    store: Store,
    *,
    org: str = ORG,
    seller_email: str = SELLER,
    account: str = "Acme Corp",
    go_live: date = GO_LIVE,
    template: str = "simple-close-plan",
    today: date | None = None,
) -> MapRecord:
    """A registered MAP with a snapshot and a computed summary."""
    today = today or START.date()
    spreadsheet_id = f"seed-{uuid.uuid4().hex[:16]}"
    store.register_map(
        spreadsheet_id=spreadsheet_id,
        org=org,
        seller_email=seller_email,
        account=account,
        template=template,
        committed_go_live=go_live,
        created_on=today,
        buyer_emails=["dana@acme.example"],
    )
    plan = load_template(template).to_plan(
        account=account,
        outcome="Cut new-hire ramp time by half",
        go_live=go_live,
        buyers=[("Dana Lee", "dana@acme.example")],
        seller_owner=f"Sam Seller <{seller_email}>",
        created_on=today,
    )
    computed = compute(plan, today)
    state = MapState(plan=plan, computed=computed.to_json(), sheet={}, write_token="seed")
    store.save_snapshot(spreadsheet_id, **state.snapshot())
    return store.update_map(spreadsheet_id, **summary_fields(computed, plan))


def seed_finished_map(
    store: Store, *, org: str = ORG, slowness: float = 1.5, started: date | None = None
) -> MapRecord:
    """A MAP whose every step is done, each taking ``slowness`` times its lead (in
    calendar days counted as 7/5 of business days), so it counts as a past plan."""
    created = started or START.date() - timedelta(days=200)
    record = seed_map(store, org=org, account="Done Deal", today=created)
    snapshot = store.latest_snapshot(record.spreadsheet_id)
    assert snapshot is not None
    plan = MapState.from_snapshot(snapshot).plan
    day, done = created, []
    for m in plan.milestones:
        day += timedelta(days=max(1, round(m.lead_bd * slowness * 7 / 5)))
        done.append(replace(m, status=Status.DONE, completed_on=day, due=None))
    finished = replace(plan, milestones=tuple(done), go_live=day + timedelta(days=60))
    state = MapState(plan=finished, computed={}, sheet={}, write_token="seed")
    store.save_snapshot(record.spreadsheet_id, **state.snapshot())
    return record
