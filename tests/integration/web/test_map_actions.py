"""Refresh and the weekly review through the API, and the cron tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import (
    FIRST_STATUS_CELL,
    api_calls,
    create_map,
    edit_cell,
    read_range,
)
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import CRON_ACCOUNT, access_token, bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)


def test_refresh_syncs_now_and_answers_with_the_fresh_plan(
    app: Flask, client: FlaskClient, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")

    response = client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    first = body["milestones"][0]
    assert (first["id"], first["status"], first["health"]) == ("m1", "Done", "Done")
    assert body["summary"]["last_synced_at"] is not None
    assert "calendar.ics?key=" in body["calendar_url"]


def test_the_weekly_review_is_appended_to_the_reviews_tab(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")

    response = client.post(f"/api/maps/{sid}/review", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    review = response.get_json()["review"]
    assert review["on"] == START.date().isoformat()
    assert len(review["completed"]) == 1
    rows = read_range(emulator.url, sid, "Reviews!A1:D60")
    assert any("Completed" in row for row in rows)
    assert store.last_review(sid) is not None


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_sweep_runs_with_app_engines_cron_header_and_queues_each_map(
    app: Flask, client: FlaskClient, store: Store, method: str
) -> None:
    seed_map(store)

    response = client.open("/tasks/sweep", method=method, headers={"X-Appengine-Cron": "true"})

    assert response.status_code == 200
    assert response.get_json() == {"queued": 1, "already_queued": 0, "failed": []}
    assert context(app).sweeps.wait_idle(120)


def test_a_sweep_retries_a_notification_left_pending(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    assert context(app).syncs.wait_idle(120)
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")
    store.request_sync(sid)  # a notification whose worker died before it synced

    response = client.post("/tasks/sweep", headers={"X-Appengine-Cron": "true"})

    assert response.status_code == 200
    assert response.get_json()["queued"] == 1
    assert context(app).sweeps.wait_idle(120)
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Done"]


def test_channel_renewal_runs_with_the_cron_accounts_id_token(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    old = store.channels_for_map(sid)
    store.save_channel(
        channel_id="about-to-expire",
        spreadsheet_id=sid,
        resource_id=old[0].resource_id,
        token="secret",
        expiration=START + timedelta(minutes=30),
    )
    watches_before = api_calls(emulator.url, sid).get("drive.files.watch", 0)
    # Cloud Scheduler's OIDC token: audience is the backend's URL.
    audience = context(app).settings.public_url
    headers = bearer(emulator.url, CRON_ACCOUNT, audience=audience)

    response = client.post("/tasks/renew-channels", headers=headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"renewed": 1, "created": 0, "failed": []}
    assert api_calls(emulator.url, sid).get("drive.files.watch", 0) == watches_before + 1
    assert store.get_channel("about-to-expire") is None


@pytest.mark.parametrize(
    ("damage", "status", "cause"),
    [
        ("delete History", 200, None),
        ("delete Plan", 409, "the 'Plan' tab was deleted"),
        ("delete every milestone row", 409, "Every milestone row of this plan was deleted"),
    ],
)
def test_refresh_after_people_damage_the_sheet_restores_it_or_names_the_cause(
    client: FlaskClient, emulator: Any, damage: str, status: int, cause: str | None
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    token = access_token(emulator.url)
    if damage == "delete every milestone row":
        request: dict[str, Any] = {
            "deleteDimension": {
                "range": {"sheetId": 1001, "dimension": "ROWS", "startIndex": 12, "endIndex": 18}
            }
        }
    else:
        sheet_id = {"delete History": 1002, "delete Plan": 1001}[damage]
        request = {"deleteSheet": {"sheetId": sheet_id}}
    requests.post(
        f"{emulator.url}/v4/spreadsheets/{sid}:batchUpdate",
        json={"requests": [request]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).raise_for_status()

    response = client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url))

    assert response.status_code == status, response.get_data(as_text=True)
    if cause is not None:
        assert response.get_json()["error"]["code"] == "CONFLICT"
        assert cause in response.get_json()["error"]["message"]
