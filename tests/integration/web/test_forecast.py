"""The forecast in the product, over HTTP: each organisation's calibration, rebuilt by the
daily cron from its finished MAPs and used by every sync; what the API says it is based on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.store import Store
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import create_map
from tests.integration.web.seed import seed_finished_map, seed_map
from tests.integration.web.tokens import CRON_ACCOUNT, ORG, bearer

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
