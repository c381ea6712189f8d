"""Bad input gets a clear JSON error naming the field, with the right status; never a
500, never a traceback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import emulator_calls
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import access_token, bearer

# Seven months after the tests' clock starts, where the app's clock reads its today.
GO_LIVE = START.date() + timedelta(weeks=31)
VALID_MAP = {
    "template": "simple-close-plan",
    "account": "Initech",
    "outcome": "Fewer TPS reports",
    "go_live": GO_LIVE.isoformat(),
    "buyers": [{"name": "Peter Gibbons", "email": "peter@initech.example"}],
    "seller_owner": "Sam Seller <sam@vendor.example>",
    "country": "US",
}


def seller_headers(emulator_url: str) -> dict[str, str]:
    return {**bearer(emulator_url), "X-Goog-Access-Token": access_token(emulator_url)}


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    return {f["field"]: f["message"] for f in error["details"]["fields"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"go_live": "31/03/2027"}, "go_live"),
        ({"go_live": "2027-02-30"}, "go_live"),
        ({"go_live": 20270331}, "go_live"),
        ({"go_live": None}, "go_live"),
        ({"account": "   "}, "account"),
        ({"account": 42}, "account"),
        ({"template": ""}, "template"),
        ({"template": "no-such-template"}, "template"),
        ({"country": "us"}, "country"),
        ({"country": "ZZ"}, "country"),
        ({"signature_date": "soon"}, "signature_date"),
        ({"spreadsheet_id": "../etc/passwd"}, "spreadsheet_id"),
        ({"buyers": [{"name": "Dana", "email": "not-an-email"}]}, "buyers[0].email"),
        ({"buyers": [{"email": "dana@acme.example"}]}, "buyers[0].name"),
        ({"buyers": "dana@acme.example"}, "buyers"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_a_create_request_with_a_bad_field_is_refused_naming_the_field(
    client: FlaskClient, emulator: Any, change: dict[str, Any], field: str
) -> None:
    before = emulator_calls(emulator.url)

    response = client.post(
        "/api/maps", json={**VALID_MAP, **change}, headers=seller_headers(emulator.url)
    )

    fields = fields_of(response)
    assert field in fields
    assert response.get_json()["error"]["message"].startswith(f"{field}: ")
    assert emulator_calls(emulator.url) == before


def test_a_missing_required_field_is_named(client: FlaskClient, emulator: Any) -> None:
    body = {k: v for k, v in VALID_MAP.items() if k != "go_live"}

    response = client.post("/api/maps", json=body, headers=seller_headers(emulator.url))

    assert fields_of(response) == {"go_live": "is required"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"go_live": (START.date() - timedelta(days=1)).isoformat()}, "go_live"),
        ({"signature_date": (GO_LIVE + timedelta(days=15)).isoformat()}, "signature_date"),
        (
            {
                "buyers": [
                    {"name": "Dana", "email": "dana@acme.example"},
                    {"name": "Dana again", "email": "DANA@acme.example"},
                ]
            },
            "buyers[1].email",
        ),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"locale": "Klingon (Qo'noS)"}, "locale"),
    ],
)
def test_inputs_the_plan_cannot_use_are_refused_naming_the_field(
    client: FlaskClient, emulator: Any, change: dict[str, Any], field: str
) -> None:
    before = emulator_calls(emulator.url)

    response = client.post(
        "/api/maps", json={**VALID_MAP, **change}, headers=seller_headers(emulator.url)
    )

    assert field in fields_of(response)
    assert emulator_calls(emulator.url) == before


def test_create_without_the_sellers_access_token_is_unauthenticated(
    client: FlaskClient, emulator: Any
) -> None:
    response = client.post("/api/maps", json=VALID_MAP, headers=bearer(emulator.url))

    assert response.status_code == 401
    assert "X-Goog-Access-Token" in response.get_json()["error"]["message"]


def test_creating_a_map_in_a_spreadsheet_that_holds_one_is_not_found_to_who_cannot_see_it(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    """Whether a file holds a MAP is not told to someone who cannot open it: Drive is
    asked first, as the seller (a file they may edit that holds one is a 409:
    test_create_map.py)."""
    record = seed_map(store)
    before = emulator_calls(emulator.url)

    response = client.post(
        "/api/maps",
        json={**VALID_MAP, "spreadsheet_id": record.spreadsheet_id},
        headers=seller_headers(emulator.url),
    )

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"
    assert len(store.list_maps("vendor.example")) == 1
    assert emulator_calls(emulator.url) == before + 1  # the one files.get, as the seller


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"a string"', "application/json"),
        ("", "application/json"),
        (b"\xff\xfe\x00", "application/octet-stream"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
    ],
)
@pytest.mark.parametrize("path", ["/api/maps", "/hooks/sheet-edit"])
def test_a_body_that_is_not_a_json_object_is_a_bad_request(
    client: FlaskClient, emulator: Any, path: str, data: Any, content_type: str
) -> None:
    response = client.post(path, data=data, content_type=content_type, headers=bearer(emulator.url))

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("path", ["/api/maps", "/hooks/sheet-edit", "/hooks/drive"])
def test_a_body_over_one_megabyte_is_refused_with_413(
    client: FlaskClient, emulator: Any, path: str
) -> None:
    big = '{"account": "' + "x" * (1024 * 1024) + '"}'

    response = client.post(
        path, data=big, content_type="application/json", headers=bearer(emulator.url)
    )

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_body_of_just_under_one_megabyte_is_read(client: FlaskClient, emulator: Any) -> None:
    body = '{"account": "' + "x" * (1024 * 1024 - 100) + '"}'

    response = client.post(
        "/api/maps",
        data=body,
        content_type="application/json",
        headers=seller_headers(emulator.url),
    )

    assert response.status_code == 422  # read, then refused for its fields


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"a1": "not a range"}, "a1"),
        ({"a1": ""}, "a1"),
        ({"ts": "yesterday"}, "ts"),
        ({"ts": "2026-11-22T10:00:00"}, "ts"),
        ({"user": "someone"}, "user"),
        ({"value": ["a", "list"]}, "value"),
        ({"spreadsheet_id": "has spaces"}, "spreadsheet_id"),
        ({"sheet": None}, "sheet"),
    ],
)
def test_an_edit_report_with_a_bad_field_is_refused_naming_the_field(
    client: FlaskClient, store: Store, emulator: Any, change: dict[str, Any], field: str
) -> None:
    record = seed_map(store)
    edit = {
        "spreadsheet_id": record.spreadsheet_id,
        "sheet": "Plan",
        "a1": "G14",
        "ts": START.isoformat(),
        **change,
    }

    response = client.post("/hooks/sheet-edit", json=edit, headers=bearer(emulator.url))

    assert field in fields_of(response)
    assert store.sync_state(record.spreadsheet_id) is None


def test_an_unknown_path_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_wrong_method_is_a_json_405_that_lists_the_allowed_ones(client: FlaskClient) -> None:
    response = client.delete("/api/maps")

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["Allow"]


def test_errors_carry_the_request_id_and_no_traceback(client: FlaskClient) -> None:
    response = client.post("/api/maps", data="{", headers={"X-Request-Id": "req-123"})

    assert response.headers["X-Request-Id"] == "req-123"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text


@pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)
def test_nul_characters_are_refused_before_they_reach_the_database(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    headers = seller_headers(emulator.url)
    edit = {
        "spreadsheet_id": record.spreadsheet_id,
        "sheet": "Pl\x00an",
        "a1": "G14",
        "value": "Do\x00ne",
        "ts": START.isoformat(),
    }

    created = client.post("/api/maps", json={**VALID_MAP, "account": "Ac\x00me"}, headers=headers)
    reported = client.post("/hooks/sheet-edit", json=edit, headers=headers)
    detail = client.get("/api/maps/abc%00def", headers=headers)
    feed = client.get(f"/api/maps/{record.spreadsheet_id}/calendar.ics?key=a%00b")
    drive = client.post(
        "/hooks/drive", headers={"X-Goog-Channel-ID": "c%00", "X-Goog-Channel-Token": "t"}
    )

    assert fields_of(created) == {"account": "must not contain a NUL character"}
    assert set(fields_of(reported)) == {"sheet", "value"}
    assert detail.status_code == 404
    assert fields_of(feed) == {"key": "must not contain a NUL character"}
    assert drive.status_code == 404
    assert store.edit_events_since(record.spreadsheet_id, START - timedelta(1)) == []


def test_an_access_token_that_cannot_be_one_is_unauthenticated(
    client: FlaskClient, emulator: Any
) -> None:
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": "ya29.has spaces\tand tabs"}

    response = client.post("/api/maps", json=VALID_MAP, headers=headers)

    assert response.status_code == 401
