"""The cost of the forecast in the product, on a SQLite file: the daily rebuild of an
organisation's calibration from its finished MAPs, the calibration a sync reads, and the
pipeline's roll-up.

Prints, for an organisation of N finished MAPs (enterprise template, every step done at
1.2 to 2.6 times its lead) plus N open ones (simple close plan, written today, signature
committed 30 to 52 days out, go-live in 120): the time to rebuild its calibration
(``refresh_calibration``: one snapshot read per MAP, then ``build_calibration``), the time
a sync spends reading it (``org_calibration``), and the time to list the pipeline with its
roll-up.

Run: .venv/bin/python bench/bench_calibrate.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from service.domain.compute import compute
from service.domain.model import Status
from service.services.backend import Backend
from service.services.calibrate import org_calibration, refresh_calibration
from service.services.map_state import MapState
from service.services.sync import summary_fields
from service.services.views import pipeline, rollup
from service.store import Store
from service.templates import load_template

ORG = "vendor.example"
TODAY = date(2026, 11, 23)


def _register(store: Store, created: date, go_live: date) -> str:
    sid = f"bench-{uuid.uuid4().hex[:12]}"
    store.register_map(
        spreadsheet_id=sid,
        org=ORG,
        seller_email="sam@vendor.example",
        account=f"Account {sid[-4:]}",
        template="enterprise",
        committed_go_live=go_live,
        created_on=created,
        amount=100_000,
    )
    return sid


def _seed(store: Store, n: int) -> None:
    template = load_template("enterprise")
    close_plan = load_template("simple-close-plan")
    for k in range(n):
        created = TODAY - timedelta(days=400)
        sid = _register(store, created, created + timedelta(days=200))
        plan = template.to_plan(
            account="Acme", outcome="", go_live=created + timedelta(days=200),
            buyers=[("Dana Lee", "dana@acme.example")], seller_owner="Sam <sam@vendor.example>",
            created_on=created,
        )  # fmt: skip
        slowness = 1.2 + 1.4 * (k % 10) / 9
        day, done = created, []
        for m in plan.milestones:
            day += timedelta(days=max(1, round(m.lead_bd * slowness * 7 / 5)))
            done.append(replace(m, status=Status.DONE, completed_on=day, due=None))
        finished = replace(plan, milestones=tuple(done), go_live=day + timedelta(days=60))
        state = MapState(plan=finished, computed={}, sheet={}, write_token="bench")
        store.save_snapshot(sid, **state.snapshot())
        # and one open MAP, computed as a sync leaves it
        go_live = TODAY + timedelta(days=120)
        sid = _register(store, TODAY, go_live)
        open_plan = close_plan.to_plan(
            account="Acme", outcome="", go_live=go_live,
            buyers=[("Dana Lee", "dana@acme.example")], seller_owner="Sam <sam@vendor.example>",
            created_on=TODAY, signature_date=TODAY + timedelta(days=30 + 2 * (k % 12)),
        )  # fmt: skip
        computed = compute(open_plan, TODAY)
        state = MapState(plan=open_plan, computed=computed.to_json(), sheet={}, write_token="b")
        store.save_snapshot(sid, **state.snapshot())
        store.update_map(sid, **summary_fields(computed, open_plan))


def _timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.migrate()
        _seed(store, n)
        backend = Backend(
            store=store,
            sheets=lambda: None,  # type: ignore[arg-type,return-value]
            seller_sheets=lambda token: None,  # type: ignore[arg-type,return-value]
            service_account_email="bench@example.iam.gserviceaccount.com",
            now=lambda: datetime.now(UTC),
        )
        rebuild = _timed(lambda: refresh_calibration(store, ORG), 3)
        saved = store.get_calibration(ORG)
        assert saved is not None
        read = _timed(lambda: org_calibration(store, ORG), 50)
        listing = _timed(lambda: rollup(pipeline(backend, ORG, "signature")), 10)
        rows = pipeline(backend, ORG, "signature")
        store.close()
    print(f"organisation of {n} finished + {n} open MAPs (SQLite file)")
    print(f"  calibration rebuilt from {saved.plans} past plans: {rebuild * 1000:.0f} ms")
    print(f"  calibration read by a sync: {read * 1000:.2f} ms")
    print(f"  pipeline of {len(rows)} MAPs with its roll-up: {listing * 1000:.0f} ms")
    print(f"  roll-up: {rollup(rows)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
