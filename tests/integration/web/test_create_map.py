"""Create MAP through the API, end to end against the emulator: the spreadsheet is
made as the seller, shared with the buyers and the backend, registered, watched; the
seller's token is used for that request only."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, select

from service.store import Store
from service.templates import load_template
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import BUYER, GO_LIVE, MAP_BODY, read_range
from tests.integration.web.tokens import SELLER, access_token, bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)


def file_info(emulator_url: str, spreadsheet_id: str) -> dict[str, Any]:
    files = requests.get(f"{emulator_url}/__emulator/files", timeout=10).json()["files"]
    found: dict[str, Any] = next(f for f in files if f["id"] == spreadsheet_id)
    return found


def test_create_map_makes_a_shared_watched_map_owned_by_the_seller(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    seller_token = access_token(emulator.url)
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": seller_token}

    response = client.post("/api/maps", json=MAP_BODY, headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    sid = body["spreadsheet_id"]
    assert response.headers["Location"] == f"/api/maps/{sid}"
    assert body["url"] == f"{emulator.url}/preview/{sid}"
    assert body["summary"]["account"] == "Acme Corp"
    assert body["summary"]["committed_go_live"] == GO_LIVE.isoformat()
    assert body["summary"]["seller_email"] == SELLER
    record = store.get_map(sid)
    assert record is not None and record.org == "vendor.example"
    info = file_info(emulator.url, sid)
    assert info["owner"] == SELLER
    shared_with = {p["emailAddress"] for p in info["permissions"]}
    assert {BUYER, context(app).settings.service_account_email} <= shared_with
    assert store.channels_for_map(sid)
    first = load_template("simple-close-plan").milestones[0].title
    assert read_range(emulator.url, sid, "Plan!B13") == [[first]]
    # The seller's token went to Google for this request and nowhere else.
    assert seller_token not in dump_database(store)


def test_create_map_in_the_current_spreadsheet_builds_the_map_there(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    token = access_token(emulator.url)
    created = requests.post(
        f"{emulator.url}/v4/spreadsheets",
        json={"properties": {"title": "Acme deal notes"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    sid = created["spreadsheetId"]
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": token}

    response = client.post("/api/maps", json={**MAP_BODY, "spreadsheet_id": sid}, headers=headers)
    again = client.post("/api/maps", json={**MAP_BODY, "spreadsheet_id": sid}, headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["spreadsheet_id"] == sid
    assert again.status_code == 409
    assert len(store.list_maps("vendor.example")) == 1


def someone_elses_spreadsheet(
    emulator_url: str, owner: str, shared: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """A spreadsheet of ``owner``'s, shared ``{email: role}``; its id and its contents."""
    token = access_token(emulator_url, owner)
    auth = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        f"{emulator_url}/v4/spreadsheets",
        json={"properties": {"title": "Board minutes"}},
        headers=auth,
        timeout=10,
    ).json()
    sid = created["spreadsheetId"]
    for email, role in shared.items():
        requests.post(
            f"{emulator_url}/drive/v3/files/{sid}/permissions",
            params={"sendNotificationEmail": "false"},
            json={"type": "user", "role": role, "emailAddress": email},
            headers=auth,
            timeout=10,
        ).raise_for_status()
    return sid, spreadsheet_as(emulator_url, sid, owner)


def spreadsheet_as(emulator_url: str, sid: str, user: str) -> dict[str, Any]:
    token = access_token(emulator_url, user)
    response = requests.get(
        f"{emulator_url}/v4/spreadsheets/{sid}",
        params={"includeGridData": "true"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("sellers_role", "status"), [(None, 404), ("reader", 403), ("commenter", 403)]
)
def test_create_map_in_a_spreadsheet_the_seller_cannot_edit_is_refused_and_leaves_it_untouched(
    app: Flask,
    client: FlaskClient,
    store: Store,
    emulator: Any,
    sellers_role: str | None,
    status: int,
) -> None:
    """The file is shared with the backend (anyone can share a file with it), but the
    seller may not edit it: the backend must not lay a MAP out there for them."""
    backend_account = context(app).settings.service_account_email
    shared = {backend_account: "writer"}
    if sellers_role:
        shared[SELLER] = sellers_role
    sid, before = someone_elses_spreadsheet(emulator.url, "owen@owner.example", shared)
    permissions = file_info(emulator.url, sid)["permissions"]
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": access_token(emulator.url)}

    response = client.post("/api/maps", json={**MAP_BODY, "spreadsheet_id": sid}, headers=headers)

    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    if status == 403:
        assert error == {
            "code": "FORBIDDEN",
            "message": f"you cannot edit spreadsheet {sid}: a MAP can only be created in a "
            "spreadsheet you may edit (ask its owner for edit access)",
            "details": {},
        }
    else:
        assert error["code"] == "NOT_FOUND" and sid in error["message"]
    assert spreadsheet_as(emulator.url, sid, "owen@owner.example") == before
    assert file_info(emulator.url, sid)["permissions"] == permissions
    assert store.get_map(sid) is None
    assert store.list_maps("vendor.example") == []


def test_create_map_with_a_token_google_refuses_is_forbidden_and_registers_nothing(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    expired = requests.post(
        f"{emulator.url}/__emulator/oidc/access-token",
        json={"email": SELLER, "expires_in": -10},
        timeout=10,
    ).json()["access_token"]
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": expired}

    response = client.post("/api/maps", json=MAP_BODY, headers=headers)

    assert response.status_code in (401, 403)
    assert response.get_json()["error"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")
    assert store.list_maps("vendor.example") == []


def test_create_map_in_a_spreadsheet_google_does_not_know_is_not_found(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    headers = {**bearer(emulator.url), "X-Goog-Access-Token": access_token(emulator.url)}

    response = client.post(
        "/api/maps", json={**MAP_BODY, "spreadsheet_id": "1NoSuchFileAnywhere"}, headers=headers
    )

    assert response.status_code == 404
    assert store.list_maps("vendor.example") == []


def dump_database(store: Store) -> str:
    """Every value in every table of the store, as one string."""
    metadata = MetaData()
    metadata.reflect(store.engine)
    parts: list[str] = []
    with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)
