"""Reading MAPs through the API: templates, the pipeline, deal health and the calendar
feed, as the add-on and a calendar app see them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar

from service.store import Store
from service.templates import load_template
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import UNREACHABLE_URL
from tests.integration.web.flows import GO_LIVE
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)


def test_templates_list_each_template_with_its_number_of_milestones(
    client: FlaskClient, emulator: Any
) -> None:
    response = client.get("/api/templates", headers=bearer(emulator.url))

    assert response.status_code == 200
    templates = {t["name"]: t for t in response.get_json()["templates"]}
    assert {"simple-close-plan", "enterprise"} <= set(templates)
    assert templates["simple-close-plan"]["milestones"] == 6
    assert all(t["title"] and t["description"] for t in templates.values())


def test_the_pipeline_lists_the_organisations_maps_in_the_order_asked_for(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    soon, later, latest = (GO_LIVE + timedelta(weeks=w) for w in (0, 8, 26))
    seed_map(store, account="Zeta Ltd", go_live=soon)
    seed_map(store, account="alpha GmbH", go_live=latest)
    seed_map(store, account="Midway Inc", go_live=later)
    headers = bearer(emulator.url)

    by_account = client.get("/api/maps?sort=account", headers=headers).get_json()["maps"]
    by_go_live = client.get("/api/maps?sort=go_live", headers=headers).get_json()["maps"]
    by_risk = client.get("/api/maps", headers=headers).get_json()["maps"]

    assert [m["account"] for m in by_account] == ["alpha GmbH", "Midway Inc", "Zeta Ltd"]
    assert [m["account"] for m in by_go_live] == ["Zeta Ltd", "Midway Inc", "alpha GmbH"]
    scores = [m["health"]["score"] for m in by_risk]
    assert scores == sorted(scores)
    first = by_account[0]
    assert first["url"].endswith(f"/preview/{first['spreadsheet_id']}")
    assert first["committed_go_live"] == latest.isoformat()
    assert first["seller_email"] == "sam@vendor.example"


def test_an_unknown_sort_is_a_validation_error_naming_the_parameter(
    client: FlaskClient, emulator: Any
) -> None:
    response = client.get("/api/maps?sort=newest", headers=bearer(emulator.url))

    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"][0]["field"] == "sort"


def test_deal_health_shows_milestones_risks_next_steps_and_a_calendar_link(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store, template="enterprise")

    response = client.get(f"/api/maps/{record.spreadsheet_id}", headers=bearer(emulator.url))

    assert response.status_code == 200
    body = response.get_json()
    assert body["summary"]["spreadsheet_id"] == record.spreadsheet_id
    assert len(body["milestones"]) == len(load_template("enterprise").milestones)
    milestone = body["milestones"][0]
    assert set(milestone) == {
        "id", "title", "side", "owner", "status", "due", "target", "projected", "health",
        "slip_bd",
    }  # fmt: skip
    assert date.fromisoformat(milestone["target"])
    assert len(body["next_steps"]) <= 3
    link = urlsplit(body["calendar_url"])
    assert body["calendar_url"].startswith(UNREACHABLE_URL)
    assert link.path == f"/api/maps/{record.spreadsheet_id}/calendar.ics"
    assert parse_qs(link.query)["key"] == [record.calendar_key]


def test_deal_health_of_a_spreadsheet_without_a_map_is_not_found(
    client: FlaskClient, emulator: Any
) -> None:
    response = client.get("/api/maps/1NoSuchSpreadsheet", headers=bearer(emulator.url))

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_the_calendar_feed_has_one_all_day_event_per_milestone(
    client: FlaskClient, store: Store
) -> None:
    record = seed_map(store)
    detail_milestones = len(load_template("simple-close-plan").milestones)

    response = client.get(
        f"/api/maps/{record.spreadsheet_id}/calendar.ics?key={record.calendar_key}"
    )

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == detail_milestones
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and (end - start).days == 1
        description = str(event["description"])
        for label in ("Target:", "Projected:", "Owner:", "Status:"):
            assert label in description
    assert len({str(e["uid"]) for e in events}) == detail_milestones


@pytest.mark.parametrize("key", ["", "wrong-key", "other-maps-key"])
def test_the_calendar_feed_with_a_wrong_key_is_not_found(
    client: FlaskClient, store: Store, key: str
) -> None:
    record = seed_map(store)
    if key == "other-maps-key":
        key = seed_map(store).calendar_key

    response = client.get(f"/api/maps/{record.spreadsheet_id}/calendar.ics?key={key}")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_the_calendar_feed_of_an_unknown_map_is_not_found(client: FlaskClient) -> None:
    response = client.get("/api/maps/1NoSuchSpreadsheet/calendar.ics?key=anything")

    assert response.status_code == 404
