"""Sheets' per-minute quotas, when turned on: per user and per project, reads and writes
apart, over a minute of the emulator's clock, refused with Google's 429."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    control,
    sheets_for,
    unique_email,
)


@pytest.fixture
def url(emulator: Any) -> Iterator[str]:
    yield emulator.url
    control(emulator.url, "DELETE", "quotas")


def new_sheet(sheets: Any) -> str:
    created = sheets.spreadsheets().create(body={"properties": {"title": "Q"}}).execute()
    return str(created["spreadsheetId"])


def read(sheets: Any, spreadsheet_id: str) -> Any:
    return sheets.spreadsheets().get(spreadsheetId=spreadsheet_id).execute()


def refusal(call: Any) -> dict[str, Any]:
    with pytest.raises(HttpError) as refused:
        call()
    assert refused.value.resp.status == 429
    error: dict[str, Any] = json.loads(refused.value.content)["error"]
    return error


def test_quotas_are_off_unless_asked(url: str) -> None:
    sheets = sheets_for(url, unique_email())
    sid = new_sheet(sheets)
    for _ in range(5):
        read(sheets, sid)
    assert control(url, "GET", "quotas")["enabled"] is False


def test_a_users_reads_over_the_limit_are_refused_until_the_minute_has_passed(url: str) -> None:
    control(url, "PUT", "quotas", json={"read_per_user": 2, "write_per_user": 5})
    alice = sheets_for(url, unique_email("alice"))
    sid = new_sheet(alice)
    read(alice, sid)
    read(alice, sid)

    error = refusal(lambda: read(alice, sid))

    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
    assert "per minute per user" in error["message"]
    info = error["details"][0]
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert info["metadata"]["quota_limit_value"] == "2"
    # Writes are counted apart, and another user has a quota of their own.
    alice.spreadsheets().values().update(
        spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": [["x"]]}
    ).execute()
    bob = sheets_for(url, unique_email("bob"))
    read(bob, new_sheet(bob))

    control(url, "POST", "clock", json={"advance_s": 61})
    read(alice, sid)
    assert control(url, "GET", "quotas")["refused"] == 1


def test_the_project_limit_covers_every_user(url: str) -> None:
    control(url, "PUT", "quotas", json={"write_per_project": 2})
    new_sheet(sheets_for(url, unique_email()))
    new_sheet(sheets_for(url, unique_email()))

    error = refusal(lambda: new_sheet(sheets_for(url, unique_email())))

    assert error["details"][0]["metadata"]["quota_limit"] == "WriteRequestsPerMinutePerProject"


def test_an_unknown_limit_is_refused_naming_it(url: str) -> None:
    reply = requests.put(f"{url}/__emulator/quotas", json={"reads": 5}, timeout=10)
    assert reply.status_code == 400 and "reads" in reply.json()["error"]["message"]
