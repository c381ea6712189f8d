"""Injected faults: statuses, delays, dropped connections, seeds, and the clients' retries."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
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
    return drive_for(url)  # the default local user, as get_status is


@pytest.fixture
def plan(drive: Any) -> dict[str, Any]:
    return new_spreadsheet(drive)


def add_fault(url: str, **rule: Any) -> dict[str, Any]:
    added: dict[str, Any] = control(url, "POST", "faults", json=rule)
    return added


def get_status(url: str, file_id: str) -> int:
    response = requests.get(
        f"{url}/drive/v3/files/{file_id}", headers={"Authorization": "Bearer t"}, timeout=10
    )
    return response.status_code


def test_a_429_fault_answers_drives_rate_limit_error(
    url: str, drive: Any, plan: dict[str, Any]
) -> None:
    add_fault(url, method="drive.files.get", file_id=plan["id"], rate_429=1)

    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId=plan["id"]).execute()

    assert caught.value.status_code == 429
    error = json.loads(caught.value.content)["error"]
    assert error["errors"][0]["reason"] == "rateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"


def test_a_429_on_a_sheets_read_is_the_per_user_read_quota_error(
    url: str, drive: Any, plan: dict[str, Any]
) -> None:
    add_fault(url, method="sheets.spreadsheets.get", spreadsheet_id=plan["id"], rate_429=1)

    with pytest.raises(HttpError) as caught:
        sheets_for(url).spreadsheets().get(spreadsheetId=plan["id"]).execute()

    error = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 429
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"].startswith(
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
        "minute per user' of service 'sheets.googleapis.com'"
    )


@pytest.mark.parametrize("code", [500, 503])
def test_server_error_faults_answer_that_status(
    url: str, drive: Any, plan: dict[str, Any], code: int
) -> None:
    add_fault(url, method="drive.files.get", file_id=plan["id"], **{f"rate_{code}": 1})

    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId=plan["id"]).execute()

    assert caught.value.status_code == code


def test_googleapiclients_own_retry_gets_past_a_passing_fault(
    url: str, drive: Any, plan: dict[str, Any]
) -> None:
    add_fault(url, method="drive.files.get", file_id=plan["id"], rate_503=1, times=1)
    control(url, "DELETE", "counters", params={"file_id": plan["id"]})

    got = drive.files().get(fileId=plan["id"]).execute(num_retries=1)

    assert got["id"] == plan["id"]
    counts = control(url, "GET", "counters", params={"file_id": plan["id"]})["counts"]
    assert counts["drive.files.get"] == 2


def test_a_dropped_connection_closes_the_socket_without_a_response(
    url: str, plan: dict[str, Any]
) -> None:
    add_fault(url, method="drive.files.get", file_id=plan["id"], drop_rate=1)

    with pytest.raises(requests.ConnectionError):
        get_status(url, plan["id"])


def test_a_delay_holds_the_request_back(url: str, plan: dict[str, Any]) -> None:
    add_fault(url, method="drive.files.get", file_id=plan["id"], delay_ms=300)

    started = time.monotonic()
    status = get_status(url, plan["id"])

    assert status == 200
    assert time.monotonic() - started >= 0.3


def test_a_fault_for_one_file_leaves_other_files_alone(url: str, drive: Any) -> None:
    hit, spared = new_spreadsheet(drive), new_spreadsheet(drive)
    add_fault(url, method="drive.files.get", file_id=hit["id"], rate_500=1)

    assert get_status(url, hit["id"]) == 500
    assert get_status(url, spared["id"]) == 200


def test_the_same_seed_gives_the_same_faults(url: str, plan: dict[str, Any]) -> None:
    def run() -> list[int]:
        add_fault(url, method="drive.files.get", file_id=plan["id"], rate_429=0.5, seed=7)
        statuses = [get_status(url, plan["id"]) for _ in range(20)]
        control(url, "DELETE", "faults")
        return statuses

    first, second = run(), run()

    assert first == second
    assert set(first) == {200, 429}


def test_times_limits_how_many_faults_a_rule_injects(url: str, plan: dict[str, Any]) -> None:
    add_fault(url, method="*", file_id=plan["id"], rate_500=1, times=2)

    statuses = [get_status(url, plan["id"]) for _ in range(4)]

    assert statuses == [500, 500, 200, 200]
    assert control(url, "GET", "faults")["faults"][0]["injected"] == 2


def test_clearing_faults_restores_normal_service(url: str, plan: dict[str, Any]) -> None:
    add_fault(url, method="drive.files.get", rate_503=1)
    assert get_status(url, plan["id"]) == 503

    control(url, "DELETE", "faults")

    assert get_status(url, plan["id"]) == 200
    assert control(url, "GET", "faults") == {"faults": []}


@pytest.mark.parametrize(
    "rule",
    [
        {"rate_429": 1},
        {"method": "drive.files.get", "rate_429": 1.5},
        {"method": "drive.files.get", "rate_429": 0.6, "rate_500": 0.6},
        {"method": "drive.files.get", "delay_ms": -1},
    ],
)
def test_a_malformed_fault_is_refused(url: str, rule: dict[str, Any]) -> None:
    response = requests.post(f"{url}/__emulator/faults", json=rule, timeout=10)

    assert response.status_code == 400


def test_a_429_on_a_sheets_write_is_the_per_user_write_quota_error(
    url: str, drive: Any, plan: dict[str, Any]
) -> None:
    add_fault(url, method="sheets.spreadsheets.batchUpdate", spreadsheet_id=plan["id"], rate_429=1)

    with pytest.raises(HttpError) as caught:
        sheets_for(url).spreadsheets().batchUpdate(
            spreadsheetId=plan["id"], body={"requests": []}
        ).execute()

    error = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 429
    assert "limit 'Write requests per minute per user'" in error["message"]
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"


def test_a_hold_with_times_holds_only_the_first_requests(url: str, plan: dict[str, Any]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    rule = add_fault(url, method="drive.files.get", file_id=plan["id"], hold=True, times=1)

    def held() -> int:
        rules = control(url, "GET", "faults")["faults"]
        return int(next(r["held"] for r in rules if r["id"] == rule["id"]))

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(get_status, url, plan["id"])
        deadline = time.monotonic() + 60
        while held() < 1:
            assert time.monotonic() < deadline, "the first request was never held"
            time.sleep(0.02)
        assert get_status(url, plan["id"]) == 200  # the second goes through meanwhile
        assert not first.done()
        control(url, "DELETE", "faults", params={"id": rule["id"]})
        assert first.result(timeout=60) == 200
