"""The forecast in the product, over HTTP: each organisation's calibration, rebuilt by the
daily cron from its finished MAPs and used by every sync; what the API says it is based on."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.clock import Clock
from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import MAP_BODY, create_map
from tests.integration.web.seed import seed_finished_map, seed_map
from tests.integration.web.tokens import CRON_ACCOUNT, ORG, access_token, bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

CRON = {"X-Appengine-Cron": "true"}


def test_the_daily_cron_builds_each_organisations_calibration_from_its_finished_maps(
    client: FlaskClient, store: Store
) -> None:
    seed_finished_map(store)
    seed_finished_map(store, slowness=2.0)
    seed_map(store)  # still open: not a past plan
    seed_finished_map(store, org="other.example")

    response = client.post("/tasks/calibrate", headers=CRON)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"orgs": 2, "plans": 3, "failed": []}
    ours = store.get_calibration(ORG)
    assert ours is not None and ours.plans == 2
    legal = [r for r in ours.calibration["ratios"] if r["category"] == "legal"]
    assert legal and legal[0]["n"] == 2
    other = store.get_calibration("other.example")
    assert other is not None and other.plans == 1


def test_a_past_plan_the_engine_cannot_read_is_left_out_and_the_others_still_count(
    client: FlaskClient, store: Store
) -> None:
    seed_finished_map(store)
    odd = seed_finished_map(store, slowness=2.0)
    store.update_map(odd.spreadsheet_id, country="XX")  # no holiday calendar for it

    response = client.post("/tasks/calibrate", headers=CRON)

    assert response.status_code == 200
    assert response.get_json() == {"orgs": 1, "plans": 1, "failed": []}


def test_the_calibration_task_runs_with_the_cron_accounts_id_token_only(
    app: Flask, client: FlaskClient, emulator: Any
) -> None:
    audience = context(app).settings.public_url
    assert client.post("/tasks/calibrate").status_code == 401
    refused = client.post("/tasks/calibrate", headers=bearer(emulator.url))
    assert refused.status_code == 403

    response = client.get(
        "/tasks/calibrate", headers=bearer(emulator.url, CRON_ACCOUNT, audience=audience)
    )

    assert response.status_code == 200
    assert response.get_json() == {"orgs": 0, "plans": 0, "failed": []}


def test_a_sync_forecasts_with_the_organisations_calibration_and_says_so(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    before = client.get(f"/api/maps/{sid}", headers=bearer(emulator.url)).get_json()
    assert before["summary"]["forecast"]["basis"] == {
        "kind": "priors",
        "plans": 0,
        "text": "priors",
    }
    for slowness in (1.5, 2.0, 2.5):
        seed_finished_map(store, slowness=slowness)
    assert client.post("/tasks/calibrate", headers=CRON).status_code == 200

    response = client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    forecast = response.get_json()["summary"]["forecast"]
    assert forecast["basis"] == {"kind": "calibrated", "plans": 3, "text": "3 past plans"}
    # Past buyers took longer than planned: the go-live is less likely on time.
    assert forecast["p_on_time"] < before["summary"]["forecast"]["p_on_time"]
    record = store.get_map(sid)
    assert record is not None and record.forecast is not None
    assert record.forecast["basis"] == {"kind": "calibrated", "plans": 3}
    # The calibration is the organisation's: the MAP's snapshot does not keep a copy.
    snapshot = store.latest_snapshot(sid)
    assert snapshot is not None and snapshot.plan["calibration"] is None


def test_the_sidebars_view_gives_the_dates_the_drivers_what_to_do_and_the_basis(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = seed_map(store, template="enterprise").spreadsheet_id

    response = client.get(f"/api/maps/{sid}", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    forecast = body["forecast"]
    go_live, signature = forecast["go_live"], forecast["signature"]
    assert go_live["committed"] == body["summary"]["committed_go_live"]
    assert go_live["p50"] <= go_live["p80"]
    assert go_live["text"] == f"{round(100 * go_live['p_on_time'])}% on time"
    assert signature["p50"] <= signature["p80"]
    assert forecast["basis"]["text"] == "priors"
    titles = {m["id"]: m["title"] for m in body["milestones"]}
    assert forecast["drivers"], "a plan months from go-live carries some risk"
    for d in forecast["drivers"]:
        assert d["title"] == titles[d["milestone"]]
        assert d["text"] == f"{d['title']}: {round(100 * d['share'])}% of the risk"
    assert f'"{forecast["drivers"][0]["title"]}"' in forecast["advice"]


def _forecast_fields(store: Store, sid: str, p: float | None, signed: date | None) -> None:
    store.update_map(
        sid, p_signature_quarter=p, signature_target=signed, quarter_end=date(2026, 12, 31)
    )


def test_the_pipeline_rolls_up_expected_signatures_beside_the_gut_commit_and_sorts_by_them(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    likely = seed_map(store, account="Likely").spreadsheet_id
    doubtful = seed_map(store, account="Doubtful").spreadsheet_id
    next_quarter = seed_map(store, account="Next quarter").spreadsheet_id
    _forecast_fields(store, likely, 0.9, date(2026, 12, 10))
    _forecast_fields(store, doubtful, 0.3, date(2026, 12, 18))
    _forecast_fields(store, next_quarter, 0.05, date(2027, 2, 1))
    store.update_map(likely, amount=100_000)
    store.update_map(doubtful, amount=50_000)

    response = client.get("/api/maps?sort=signature", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [m["account"] for m in body["maps"]] == ["Likely", "Doubtful", "Next quarter"]
    assert [m["forecast"]["committed_this_quarter"] for m in body["maps"]] == [True, True, False]
    assert body["rollup"] == {
        "maps": 3,
        "expected_signatures": 1.25,
        "expected_amount": 105_000,  # 0.9 x 100,000 + 0.3 x 50,000
        "maps_with_amount": 2,
        "committed_by_date": 2,
        "committed_amount": 150_000,
    }


def test_a_new_map_keeps_its_amount_and_its_sync_gives_its_chance_of_signing_this_quarter(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    signature_date = (START + timedelta(days=21)).date()  # a Monday, in the quarter to 31 Dec
    created = create_map(
        client,
        emulator.url,
        template="enterprise",
        amount=250_000,
        signature_date=signature_date.isoformat(),
    )
    sid = created["spreadsheet_id"]
    assert client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url)).status_code == 200

    body = client.get("/api/maps", headers=bearer(emulator.url)).get_json()

    [row] = body["maps"]
    forecast = row["forecast"]
    assert forecast["amount"] == 250_000
    assert forecast["quarter_end"] == "2026-12-31"
    assert forecast["signature_target"] == signature_date.isoformat()
    assert forecast["committed_this_quarter"] is True
    assert 0 <= forecast["p_signature_quarter"] <= 1
    p = forecast["p_signature_quarter"]
    assert body["rollup"]["expected_signatures"] == p
    assert body["rollup"]["expected_amount"] == round(p * 250_000)


@pytest.mark.parametrize("amount", [-1, "250000", 1.5, True])
def test_an_amount_that_is_not_a_whole_number_from_zero_is_refused_naming_the_field(
    client: FlaskClient, emulator: Any, amount: object
) -> None:
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": access_token(emulator.url)}

    response = client.post("/api/maps", json={**MAP_BODY, "amount": amount}, headers=headers)

    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["details"]["fields"]] == ["amount"]


def test_the_hourly_sweeps_recompute_uses_the_calibration_too(
    app: Flask, client: FlaskClient, store: Store, emulator: Any, clock: Clock
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    refreshed = client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url))
    assert refreshed.status_code == 200  # read once: the sweep recomputes without a read
    assert context(app).syncs.wait_idle(120)
    seed_finished_map(store)
    seed_finished_map(store, slowness=2.0)
    assert client.post("/tasks/calibrate", headers=CRON).status_code == 200
    clock.advance(hours=2)

    response = client.post("/tasks/sweep", headers=CRON)

    assert response.status_code == 200
    assert response.get_json()["queued"] >= 1
    assert context(app).sweeps.wait_idle(120)
    record = store.get_map(sid)
    assert record is not None and record.forecast is not None
    assert record.forecast["basis"] == {"kind": "calibrated", "plans": 2}
