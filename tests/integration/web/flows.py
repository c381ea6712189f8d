"""Real flows through the app for the web tests: Create MAP as the seller, a buyer's
edit in the sheet (through the Sheets API, as Google's UI would make it), the add-on's
edit report, and a look at the sheet."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import requests
from flask.testing import FlaskClient

from service.web.context import EXTENSION
from tests.clock import START
from tests.integration.web.tokens import access_token, bearer

BUYER = "dana@acme.example"
# About four months after the tests' clock starts (a Wednesday).
GO_LIVE = START.date() + timedelta(days=128)
# Where provisioning puts the first milestone's Status cell (service/sheets/layout.py).
FIRST_STATUS_CELL = "G13"

MAP_BODY: dict[str, Any] = {
    "template": "simple-close-plan",
    "account": "Acme Corp",
    "outcome": "Cut new-hire ramp time by half",
    "go_live": GO_LIVE.isoformat(),
    "buyers": [{"name": "Dana Lee", "email": BUYER}],
    "seller_owner": "Sam Seller <sam@vendor.example>",
    "country": "US",
}


def create_map(client: FlaskClient, emulator_url: str, **changes: Any) -> dict[str, Any]:
    """POST /api/maps as the seller; the 201 body."""
    headers = {**bearer(emulator_url), "X-Goog-Access-Token": access_token(emulator_url)}
    response = client.post("/api/maps", json={**MAP_BODY, **changes}, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def edit_cell(
    emulator_url: str, spreadsheet_id: str, a1: str, value: str, *, as_user: str = BUYER
) -> None:
    """A person types ``value`` into ``Plan!a1``."""
    token = access_token(emulator_url, as_user)
    cell = quote(f"Plan!{a1}")
    with requests.Session() as session:
        response = session.put(
            f"{emulator_url}/v4/spreadsheets/{spreadsheet_id}/values/{cell}",
            params={"valueInputOption": "USER_ENTERED"},
            json={"values": [[value]]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    response.raise_for_status()


def read_range(emulator_url: str, spreadsheet_id: str, a1: str, *, as_user: str = BUYER) -> Any:
    token = access_token(emulator_url, as_user)
    with requests.Session() as session:
        response = session.get(
            f"{emulator_url}/v4/spreadsheets/{spreadsheet_id}/values/{quote(a1)}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    response.raise_for_status()
    return response.json().get("values", [])


def report_edit(
    client: FlaskClient,
    emulator_url: str,
    spreadsheet_id: str,
    a1: str = FIRST_STATUS_CELL,
    value: str | None = "Done",
    user: str = BUYER,
    headers: dict[str, str] | None = None,
) -> Any:
    """The add-on's onEdit trigger reporting an edit (it runs as the seller), stamped
    with the app's clock."""
    now = client.application.extensions[EXTENSION].backend.now()
    edit = {
        "spreadsheet_id": spreadsheet_id,
        "sheet": "Plan",
        "a1": a1,
        "value": value,
        "user": user,
        "ts": now.isoformat(),
    }
    return client.post("/hooks/sheet-edit", json=edit, headers=headers or bearer(emulator_url))


def api_calls(emulator_url: str, spreadsheet_id: str) -> dict[str, int]:
    """The emulator's request counts for one spreadsheet, by method."""
    response = requests.get(
        f"{emulator_url}/__emulator/counters",
        params={"spreadsheet_id": spreadsheet_id},
        timeout=10,
    )
    counts: dict[str, int] = response.json()["counts"]
    return counts
