"""Every endpoint refuses a caller who is not who they must be, and changes nothing:
no token, an expired one, a wrong audience or issuer, a bad signature, an unverified
email, another organisation's user (who is told no more than "no MAP"), a forged Drive
channel token, a stranger at cron."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.store import MapRecord, Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import emulator_calls
from tests.integration.web.flows import GO_LIVE
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import (
    OTHER_ORG_USER,
    SELLER,
    access_token,
    bad_credentials,
    bearer,
)

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

# (method, path, whether it takes the seeded MAP's id, body)
ID_TOKEN_ENDPOINTS = [
    ("GET", "/api/templates", None),
    ("GET", "/api/maps", None),
    ("POST", "/api/maps", "create"),
    ("GET", "/api/maps/{sid}", None),
    ("POST", "/api/maps/{sid}/refresh", None),
    ("POST", "/api/maps/{sid}/review", None),
    ("GET", "/api/maps/{sid}/reminders", None),
    ("PUT", "/api/maps/{sid}/reminders", "reminders"),
    ("POST", "/hooks/sheet-edit", "edit"),
    ("POST", "/tasks/sweep", None),
    ("POST", "/tasks/renew-channels", None),
    ("POST", "/tasks/reminders", None),
    ("POST", "/tasks/calibrate", None),
]
MAP_ENDPOINTS = [e for e in ID_TOKEN_ENDPOINTS if "{sid}" in e[1] or e[2] == "edit"]


@pytest.fixture(scope="module")
def credentials(emulator_server: Any) -> dict[str, dict[str, str]]:
    return bad_credentials(emulator_server.url)


def body_for(kind: str | None, record: MapRecord) -> dict[str, Any] | None:
    if kind == "create":
        return {
            "template": "simple-close-plan",
            "account": "Initech",
            "go_live": (GO_LIVE + timedelta(weeks=13)).isoformat(),
            "buyers": [{"name": "Peter Gibbons", "email": "peter@initech.example"}],
        }
    if kind == "reminders":
        return {"enabled": False}
    if kind == "edit":
        return {
            "spreadsheet_id": record.spreadsheet_id,
            "sheet": "Plan",
            "a1": "G14",
            "value": "Done",
            "ts": START.isoformat(),
        }
    return None


def everything(store: Store, emulator_url: str, record: MapRecord) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    sid = record.spreadsheet_id
    long_ago = START - timedelta(days=365)
    return (
        [m.spreadsheet_id for m in store.list_maps("vendor.example")],
        [m.spreadsheet_id for m in store.list_maps("rival.example")],
        store.get_map(sid),
        store.edit_events_since(sid, long_ago),
        store.sync_state(sid),
        store.history(sid),
        store.last_review(sid),
        store.pending_syncs(),
        emulator_calls(emulator_url),
    )


def call(
    client: FlaskClient, method: str, path: str, record: MapRecord, kind: str | None, **kw: Any
) -> Any:
    return client.open(
        path.format(sid=record.spreadsheet_id),
        method=method,
        json=body_for(kind, record),
        **kw,
    )


@pytest.mark.parametrize(
    "case",
    [
        "no token",
        "not a bearer token",
        "garbage token",
        "expired token",
        "wrong audience",
        "wrong issuer",
        "another key's signature",
        "unverified email",
    ],
)
@pytest.mark.parametrize(("method", "path", "kind"), ID_TOKEN_ENDPOINTS)
def test_a_request_without_a_valid_id_token_is_refused_with_401_and_changes_nothing(
    client: FlaskClient,
    store: Store,
    emulator: Any,
    credentials: dict[str, dict[str, str]],
    case: str,
    method: str,
    path: str,
    kind: str | None,
) -> None:
    record = seed_map(store)
    headers = {**credentials[case], "X-Goog-Access-Token": access_token(emulator.url)}
    before = everything(store, emulator.url, record)

    response = call(client, method, path, record, kind, headers=headers)

    assert response.status_code == 401, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "UNAUTHENTICATED"
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert everything(store, emulator.url, record) == before


@pytest.mark.parametrize(("method", "path", "kind"), MAP_ENDPOINTS)
def test_another_organisations_map_answers_exactly_as_no_map_and_changes_nothing(
    client: FlaskClient, store: Store, emulator: Any, method: str, path: str, kind: str | None
) -> None:
    record = seed_map(store)
    before = everything(store, emulator.url, record)
    outsider = bearer(emulator.url, OTHER_ORG_USER)

    theirs = call(client, method, path, record, kind, headers=outsider)
    missing = replace(record, spreadsheet_id="1NoMapInThisFileAtAll")
    none = call(client, method, path, missing, kind, headers=outsider)

    assert theirs.status_code == none.status_code == 404
    # The same answer, word for word but the id: nothing tells a MAP from no MAP.
    assert theirs.get_json() == {
        "error": {
            **none.get_json()["error"],
            "message": f"no MAP in spreadsheet {record.spreadsheet_id}",
        }
    }
    assert none.get_json()["error"]["message"] == "no MAP in spreadsheet 1NoMapInThisFileAtAll"
    assert everything(store, emulator.url, record) == before


def test_a_user_of_the_same_email_domain_without_hd_is_an_organisation_of_their_own(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    """Anyone can make a consumer Google account with an address at any domain: only
    Google's ``hd`` claim puts a caller in a Workspace organisation."""
    record = seed_map(store)
    lee = bearer(emulator.url, "lee@vendor.example", hd=None)

    response = client.get(f"/api/maps/{record.spreadsheet_id}", headers=lee)
    pipeline = client.get("/api/maps", headers=lee)

    assert response.status_code == 404
    assert pipeline.get_json()["maps"] == []


def test_the_hd_claim_decides_the_organisation_over_the_email_domain(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    # A secondary domain of the same Workspace: hd names the organisation.
    same = bearer(emulator.url, "sam@vendor-eu.example", hd="vendor.example")
    # An address at the seller's domain, but Google says it is another Workspace's.
    other = bearer(emulator.url, "mallory@vendor.example", hd="rival.example")

    assert client.get(f"/api/maps/{record.spreadsheet_id}", headers=same).status_code == 200
    assert client.get(f"/api/maps/{record.spreadsheet_id}", headers=other).status_code == 404


@pytest.mark.parametrize(
    "domain", ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de"]
)
def test_personal_accounts_do_not_share_an_organisation(
    client: FlaskClient, store: Store, emulator: Any, domain: str
) -> None:
    ann, bob = f"ann@{domain}", f"bob@{domain}"
    record = seed_map(store, org=ann, seller_email=ann)

    own = client.get(f"/api/maps/{record.spreadsheet_id}", headers=bearer(emulator.url, ann))
    stranger = client.get(f"/api/maps/{record.spreadsheet_id}", headers=bearer(emulator.url, bob))
    review = client.post(
        f"/api/maps/{record.spreadsheet_id}/review", headers=bearer(emulator.url, bob), json={}
    )
    pipeline = client.get("/api/maps", headers=bearer(emulator.url, bob))

    assert own.status_code == 200
    assert stranger.status_code == 404
    assert review.status_code == 404
    assert pipeline.get_json()["maps"] == []


def test_the_pipeline_of_another_organisation_does_not_list_the_map(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    seed_map(store)

    response = client.get("/api/maps", headers=bearer(emulator.url, OTHER_ORG_USER))

    assert response.status_code == 200
    assert response.get_json()["maps"] == []
    assert response.get_json()["rollup"]["maps"] == 0


@pytest.mark.parametrize(
    "path", ["/tasks/sweep", "/tasks/renew-channels", "/tasks/reminders", "/tasks/calibrate"]
)
def test_a_valid_id_token_of_someone_other_than_the_cron_account_is_forbidden_the_tasks(
    client: FlaskClient, store: Store, emulator: Any, path: str
) -> None:
    record = seed_map(store)
    before = everything(store, emulator.url, record)

    response = client.post(path, headers=bearer(emulator.url, SELLER))

    assert response.status_code == 403
    assert everything(store, emulator.url, record) == before


@pytest.mark.parametrize(
    "path", ["/tasks/sweep", "/tasks/renew-channels", "/tasks/reminders", "/tasks/calibrate"]
)
def test_the_cron_header_is_not_trusted_where_app_engine_does_not_strip_it(
    make_app: Any, emulator: Any, path: str
) -> None:
    app = make_app(trust_cron_header=False)

    response = app.test_client().post(path, headers={"X-Appengine-Cron": "true"})

    assert response.status_code == 401


def test_a_drive_notification_with_a_forged_channel_token_is_forbidden_and_changes_nothing(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    store.save_channel(
        channel_id="map-channel-1",
        spreadsheet_id=record.spreadsheet_id,
        resource_id="res-1",
        token="the-real-secret",
        expiration=START + timedelta(hours=20),
    )
    before = everything(store, emulator.url, record)

    for token in ("forged-secret", "", "the-real-secret "):
        response = client.post(
            "/hooks/drive",
            headers={
                "X-Goog-Channel-ID": "map-channel-1",
                "X-Goog-Channel-Token": token,
                "X-Goog-Resource-State": "update",
            },
        )
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "FORBIDDEN"
    assert everything(store, emulator.url, record) == before


def test_a_drive_notification_for_an_unknown_channel_is_not_found_and_changes_nothing(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    record = seed_map(store)
    before = everything(store, emulator.url, record)

    response = client.post(
        "/hooks/drive",
        headers={"X-Goog-Channel-ID": "no-such-channel", "X-Goog-Channel-Token": "x"},
    )

    assert response.status_code == 404
    assert everything(store, emulator.url, record) == before


def test_a_drive_notification_without_channel_headers_is_unauthenticated(
    client: FlaskClient,
) -> None:
    assert client.post("/hooks/drive").status_code == 401
