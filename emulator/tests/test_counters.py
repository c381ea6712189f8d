"""Request counters per file and method id, read and reset over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    control,
    drive_for,
    new_spreadsheet,
    sheets_for,
)


@pytest.fixture
def url(emulator: Any) -> Iterator[str]:
    yield emulator.url
    control(emulator.url, "DELETE", "faults")


@pytest.fixture
def drive(url: str) -> Any:
    return drive_for(url, "counted@example.com")


def counts(url: str, file_id: str) -> dict[str, int]:
    found: dict[str, int] = control(url, "GET", "counters", params={"file_id": file_id})["counts"]
    return found


def test_requests_are_counted_per_method_for_each_file(url: str, drive: Any) -> None:
    plan = new_spreadsheet(drive)

    for _ in range(3):
        drive.files().get(fileId=plan["id"]).execute()
    drive.files().update(fileId=plan["id"], body={"name": "x"}).execute()

    assert counts(url, plan["id"]) == {"drive.files.get": 3, "drive.files.update": 1}
    total = control(url, "GET", "counters", params={"spreadsheet_id": plan["id"]})["total"]
    assert total == 4


def test_a_request_that_got_a_429_still_counts(url: str, drive: Any) -> None:
    plan = new_spreadsheet(drive)
    control(
        url,
        "POST",
        "faults",
        json={"method": "drive.files.get", "file_id": plan["id"], "rate_429": 1},
    )

    with pytest.raises(HttpError):
        drive.files().get(fileId=plan["id"]).execute()

    assert counts(url, plan["id"]) == {"drive.files.get": 1}


def test_counters_reset_for_one_file_or_all(url: str, drive: Any) -> None:
    first, second = new_spreadsheet(drive), new_spreadsheet(drive)
    drive.files().get(fileId=first["id"]).execute()
    drive.files().get(fileId=second["id"]).execute()

    control(url, "DELETE", "counters", params={"file_id": first["id"]})

    assert counts(url, first["id"]) == {}
    assert counts(url, second["id"]) == {"drive.files.get": 1}
    control(url, "DELETE", "counters")
    assert control(url, "GET", "counters") == {"counters": []}


def test_control_and_sign_in_requests_are_not_counted(url: str, drive: Any) -> None:
    control(url, "DELETE", "counters")

    control(url, "GET", "health")
    control(url, "GET", "faults")

    assert control(url, "GET", "counters") == {"counters": []}


def test_sheets_requests_are_counted_under_their_method_ids(url: str, drive: Any) -> None:
    plan = new_spreadsheet(drive)
    sheets = sheets_for(url, "counted@example.com")

    sheets.spreadsheets().get(spreadsheetId=plan["id"]).execute()
    sheets.spreadsheets().values().batchGet(spreadsheetId=plan["id"], ranges=["A1"]).execute()
    sheets.spreadsheets().values().batchGet(spreadsheetId=plan["id"], ranges=["B2"]).execute()

    found = control(url, "GET", "counters", params={"spreadsheet_id": plan["id"]})
    assert found["counts"] == {
        "sheets.spreadsheets.get": 1,
        "sheets.spreadsheets.values.batchGet": 2,
    }
