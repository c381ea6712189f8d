"""``POST /tasks/sync`` runs only for the queue: an ID token of the queue's service
account for the queue's audience, checked like cron's; turning the check off is refused
in production."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from service.config import Settings
from tests.integration.tasks.cloud_tasks_stack import TASKS_ACCOUNT
from tests.integration.web.tokens import id_token

TARGET = "https://map.example.test"


def sync_task(client: Any, token: str | None, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        "/tasks/sync", json=body or {"spreadsheet_id": "no-such-sheet"}, headers=headers
    )


@pytest.fixture
def client(make_app: Any) -> Any:
    app = make_app(tasks_target_url=TARGET, tasks_service_account=TASKS_ACCOUNT)
    return app.test_client()


def test_the_queues_token_runs_the_task(client: Any, emulator: Any) -> None:
    token = id_token(emulator.url, TASKS_ACCOUNT, audience=TARGET)

    response = sync_task(client, token)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"syncs": 0, "outcome": "synced"}


def test_no_token_is_401(client: Any) -> None:
    response = sync_task(client, None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "UNAUTHENTICATED"


def test_another_accounts_token_is_403(client: Any, emulator: Any) -> None:
    token = id_token(emulator.url, "someone@map-local.iam.gserviceaccount.com", audience=TARGET)
    assert sync_task(client, token).status_code == 403


def test_a_token_for_another_audience_is_401(client: Any, emulator: Any) -> None:
    token = id_token(emulator.url, TASKS_ACCOUNT, audience="https://elsewhere.example")
    assert sync_task(client, token).status_code == 401


def test_a_bad_body_is_422_naming_the_field(client: Any, emulator: Any) -> None:
    token = id_token(emulator.url, TASKS_ACCOUNT, audience=TARGET)

    response = sync_task(client, token, {"spreadsheet_id": 5})

    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"][0]["field"] == "spreadsheet_id"


def test_locally_the_check_can_be_turned_off_explicitly(make_app: Any) -> None:
    client = make_app(tasks_require_oidc=False).test_client()
    assert sync_task(client, None).status_code == 200


def test_production_refuses_to_turn_the_check_off() -> None:
    with pytest.raises(ValidationError, match="MAP_TASKS_REQUIRE_OIDC"):
        Settings(google_mode="google", tasks_require_oidc=False)


# The routes of the cron jobs' fanned-out tasks, each with a body naming nothing there.
FAN_OUT_TASKS = [
    ("/tasks/sweep-map", {"spreadsheet_id": "no-such-sheet"}, {"outcome": "gone"}),
    (
        "/tasks/renew-channel",
        {"spreadsheet_id": "no-such-sheet", "channel_id": "no-such-channel"},
        {"outcome": "nothing"},
    ),
    ("/tasks/remind", {"spreadsheet_id": "no-such-sheet"}, None),
]


@pytest.mark.parametrize(("path", "body", "answer"), FAN_OUT_TASKS)
def test_a_fanned_out_task_runs_with_the_queues_token(
    client: Any, emulator: Any, path: str, body: Any, answer: Any
) -> None:
    token = id_token(emulator.url, TASKS_ACCOUNT, audience=TARGET)

    response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200, response.get_data(as_text=True)
    if answer is not None:
        assert response.get_json() == answer
    else:
        assert response.get_json()["maps"] == 0


@pytest.mark.parametrize(("path", "body", "answer"), FAN_OUT_TASKS)
def test_a_forged_fanned_out_task_is_refused(
    client: Any, emulator: Any, path: str, body: Any, answer: Any
) -> None:
    someone = id_token(emulator.url, "someone@map-local.iam.gserviceaccount.com", audience=TARGET)
    elsewhere = id_token(emulator.url, TASKS_ACCOUNT, audience="https://elsewhere.example")

    assert client.post(path, json=body).status_code == 401
    assert (
        client.post(path, json=body, headers={"Authorization": "Bearer forged"}).status_code == 401
    )
    assert (
        client.post(path, json=body, headers={"Authorization": f"Bearer {someone}"}).status_code
        == 403
    )
    assert (
        client.post(path, json=body, headers={"Authorization": f"Bearer {elsewhere}"}).status_code
        == 401
    )


@pytest.mark.parametrize(("path", "body", "answer"), FAN_OUT_TASKS)
def test_a_fanned_out_task_with_a_bad_body_is_422_naming_the_field(
    client: Any, emulator: Any, path: str, body: Any, answer: Any
) -> None:
    token = id_token(emulator.url, TASKS_ACCOUNT, audience=TARGET)

    response = client.post(
        path, json={**body, "spreadsheet_id": 5}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"][0]["field"] == "spreadsheet_id"
