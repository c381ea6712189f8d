"""Race hooks: a person's edit lands between the backend's read and its next request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    control,
    drive_for,
    new_spreadsheet,
    sheets_for,
    unique_email,
)

READ = "sheets.spreadsheets.values.get"


@pytest.fixture
def url(emulator: Any) -> Iterator[str]:
    yield emulator.url
    control(emulator.url, "DELETE", "race-hooks")


@pytest.fixture
def seller() -> str:
    return unique_email("seller")


@pytest.fixture
def plan(url: str, seller: str) -> dict[str, Any]:
    drive = drive_for(url, seller)
    created = new_spreadsheet(drive)
    drive.permissions().create(
        fileId=created["id"],
        body={"type": "user", "role": "writer", "emailAddress": "buyer@acme.com"},
        sendNotificationEmail=False,
    ).execute()
    return created


def read_a1(sheets: Any, spreadsheet_id: str) -> Any:
    got = sheets.spreadsheets().values().get(spreadsheetId=spreadsheet_id, range="A1").execute()
    return got.get("values")


def test_the_edit_lands_after_the_nth_read_and_before_the_next_request(
    url: str, seller: str, plan: dict[str, Any]
) -> None:
    hook = control(
        url,
        "POST",
        "race-hooks",
        json={
            "method": READ,
            "spreadsheet_id": plan["id"],
            "after": 2,
            "user": "buyer@acme.com",
            "values_update": {"range": "A1", "values": [["buyer"]], "value_input_option": "RAW"},
        },
    )
    sheets = sheets_for(url, seller)

    first, second, third = (read_a1(sheets, plan["id"]) for _ in range(3))

    assert first is None
    assert second is None  # the edit came after this read had been answered...
    assert third == [["buyer"]]  # ...and before the next one
    [state] = control(url, "GET", "race-hooks")["hooks"]
    assert state["id"] == hook["id"]
    assert state["status"] == "fired"


def test_the_edit_is_in_place_as_soon_as_the_response_arrives(
    emulator: Any, url: str, seller: str, plan: dict[str, Any]
) -> None:
    control(
        url,
        "POST",
        "race-hooks",
        json={
            "method": READ,
            "spreadsheet_id": plan["id"],
            "user": "buyer@acme.com",
            "batch_update": {
                "requests": [
                    {
                        "updateCells": {
                            "range": {
                                "sheetId": 0,
                                "startRowIndex": 0,
                                "endRowIndex": 1,
                                "startColumnIndex": 0,
                                "endColumnIndex": 1,
                            },
                            "rows": [{"values": [{"userEnteredValue": {"stringValue": "b"}}]}],
                            "fields": "userEnteredValue",
                        }
                    }
                ]
            },
        },
    )

    read_a1(sheets_for(url, seller), plan["id"])

    # No waiting: the hook ran before the response was sent.
    modifier = emulator.state.files[plan["id"]].last_modifying_user
    assert modifier == "buyer@acme.com"


def test_a_hook_needs_a_method_a_spreadsheet_and_exactly_one_edit(url: str) -> None:
    bodies: list[dict[str, Any]] = [
        {"spreadsheet_id": "x", "values_update": {"range": "A1", "values": [[1]]}},
        {"method": READ, "values_update": {"range": "A1", "values": [[1]]}},
        {"method": READ, "spreadsheet_id": "x"},
        {
            "method": READ,
            "spreadsheet_id": "x",
            "batch_update": {"requests": []},
            "values_update": {"range": "A1", "values": [[1]]},
        },
        {"method": READ, "spreadsheet_id": "x", "values_update": {"range": "A1"}},
        {"method": READ, "spreadsheet_id": "x", "after": 0, "batch_update": {"requests": []}},
    ]

    for body in bodies:
        response = requests.post(f"{url}/__emulator/race-hooks", json=body, timeout=10)
        assert response.status_code == 400, body


def test_hooks_are_listed_armed_and_can_be_cleared(url: str) -> None:
    added = control(
        url,
        "POST",
        "race-hooks",
        json={"method": READ, "spreadsheet_id": "x", "batch_update": {"requests": []}},
    )

    listed = control(url, "GET", "race-hooks")["hooks"]
    control(url, "DELETE", "race-hooks", params={"id": added["id"]})

    assert [(h["id"], h["status"], h["after"]) for h in listed] == [(added["id"], "armed", 1)]
    assert control(url, "GET", "race-hooks") == {"hooks": []}
