"""The calendar feed's key can be made anew (the old one refused from then on) and
revoked (the feed answers 404 until a new key is made), by the MAP's organisation only."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from service.store import Store
from tests.db_fixtures import BACKENDS
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import OTHER_ORG_USER, bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)


def feed(client: FlaskClient, spreadsheet_id: str, key: str) -> int:
    return client.get(f"/api/maps/{spreadsheet_id}/calendar.ics?key={key}").status_code


def key_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["key"][0]


def test_a_rotated_key_serves_the_feed_and_the_old_key_is_refused(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    sid, old = record.spreadsheet_id, record.calendar_key or ""
    assert feed(client, sid, old) == 200

    response = client.post(f"/api/maps/{sid}/calendar-key", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    new = key_of(response.get_json()["calendar_url"])
    assert new != old
    assert feed(client, sid, old) == 404
    assert feed(client, sid, new) == 200
    detail = client.get(f"/api/maps/{sid}", headers=bearer(emulator.url)).get_json()
    assert key_of(detail["calendar_url"]) == new


def test_a_revoked_key_turns_the_feed_off_until_a_new_key_is_made(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    sid, old = record.spreadsheet_id, record.calendar_key or ""

    response = client.delete(f"/api/maps/{sid}/calendar-key", headers=bearer(emulator.url))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"calendar_url": None}
    assert feed(client, sid, old) == 404
    for guess in ("", "-", "revoked.", "None", "null"):
        assert feed(client, sid, guess) == 404
    detail = client.get(f"/api/maps/{sid}", headers=bearer(emulator.url)).get_json()
    assert detail["calendar_url"] is None

    again = client.post(f"/api/maps/{sid}/calendar-key", headers=bearer(emulator.url))

    new = key_of(again.get_json()["calendar_url"])
    assert feed(client, sid, new) == 200
    assert feed(client, sid, old) == 404


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_another_organisation_cannot_rotate_or_revoke_the_key(
    client: FlaskClient, store: Store, emulator: Any, method: str
) -> None:
    record = seed_map(store)
    sid, key = record.spreadsheet_id, record.calendar_key or ""

    outsider = client.open(
        f"/api/maps/{sid}/calendar-key", method=method, headers=bearer(emulator.url, OTHER_ORG_USER)
    )
    anonymous = client.open(f"/api/maps/{sid}/calendar-key", method=method)

    assert outsider.status_code == 404
    assert outsider.get_json()["error"]["message"] == f"no MAP in spreadsheet {sid}"
    assert anonymous.status_code == 401
    assert feed(client, sid, key) == 200
    assert store.get_map(sid) == record
