"""The cron jobs fanned out on Cloud Tasks: the sweep, channel renewal and reminders
make one named task per MAP or channel, which the Cloud Tasks emulator delivers to the
app over HTTP with the queue's OIDC token; a second run in the same hour makes none."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from google.cloud import tasks_v2

from emulator.testing import wait_for
from service.local.mailbox import LocalSmtpServer
from service.runtime.mailbox import MAILBOX_DIR, Mailbox
from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.tasks.cloud_tasks_stack import create_queue
from tests.integration.tasks.conftest import context
from tests.integration.web.flows import api_calls, create_map, edit_cell, read_range
from tests.integration.web.quota_flows import quotas, read_as
from tests.integration.web.tokens import bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

CRON = {"X-Appengine-Cron": "true"}
FIRST_COMPUTED = "Plan!J13:M13"


@pytest.fixture
def background_queue(tasks: tasks_v2.CloudTasksClient) -> str:
    """The queue of the periodic work, apart from the syncs' (docs/deploy.md)."""
    return create_queue(tasks, f"map-background-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def fan_out_app(make_tasks_app: Any, background_queue: str) -> Flask:
    app: Flask = make_tasks_app(tasks_background_queue=background_queue.rsplit("/", 1)[1])
    return app


def settled(store: Store, spreadsheet_id: str) -> bool:
    state = store.sync_state(spreadsheet_id)
    return state is None or (not state.pending and state.last_error is None)


def queued(tasks: tasks_v2.CloudTasksClient, queue_path: str) -> list[tasks_v2.Task]:
    return list(tasks.list_tasks(parent=queue_path))


def test_the_sweep_makes_one_task_per_map_once_an_hour_and_every_map_converges(
    fan_out_app: Flask,
    emulator: Any,
    clock: Any,
    tasks: tasks_v2.CloudTasksClient,
    background_queue: str,
) -> None:
    client = fan_out_app.test_client()
    store = context(fan_out_app).backend.store
    maps = [create_map(client, emulator.url)["spreadsheet_id"] for _ in range(3)]
    for sid in maps:
        wait_for(lambda sid=sid: settled(store, sid), what="the new MAP settled")
    edited = maps[0]
    before = read_range(emulator.url, edited, FIRST_COMPUTED)
    # Edited while nobody listened (the backend's hook URL is unreachable): only the
    # sweep's look at Drive's version finds it.
    edit_cell(emulator.url, edited, "G13", "Blocked")
    clock.advance(hours=2)
    tasks.pause_queue(name=background_queue)

    first = client.post("/tasks/sweep", headers=CRON)
    again = client.post("/tasks/sweep", headers=CRON)

    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json() == {"queued": 3, "already_queued": 0, "failed": []}
    assert again.get_json() == {"queued": 0, "already_queued": 3, "failed": []}
    listed = queued(tasks, background_queue)
    assert len(listed) == 3
    assert all(t.http_request.url.endswith("/tasks/sweep-map") for t in listed)
    assert all(t.http_request.oidc_token.service_account_email for t in listed)

    tasks.resume_queue(name=background_queue)
    wait_for(lambda: not queued(tasks, background_queue), what="the sweep's tasks ran")
    swept_at = START + timedelta(hours=2)
    for sid in maps:
        wait_for(lambda sid=sid: settled(store, sid), what="every MAP settled")
        record = store.get_map(sid)
        assert record is not None and record.last_synced_at is not None
        assert record.last_synced_at >= swept_at
    assert [e.new for e in store.history(edited) if e.field == "status"] == ["Blocked"]
    assert read_range(emulator.url, edited, FIRST_COMPUTED) != before
    for sid in maps[1:]:
        assert not [e for e in store.history(sid) if e.field == "status"]


def test_a_sweep_task_refused_by_the_sheets_quota_is_retried_by_the_queue_not_lost(
    fan_out_app: Flask,
    emulator: Any,
    clock: Any,
    tasks: tasks_v2.CloudTasksClient,
    background_queue: str,
) -> None:
    client = fan_out_app.test_client()
    store = context(fan_out_app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for(lambda: settled(store, sid), what="the new MAP settled")
    edit_cell(emulator.url, sid, "G13", "Blocked")  # its notification is lost
    clock.advance(hours=2)
    # One read a minute per user, and the backend's account has just spent it.
    quotas(emulator.url, "PUT", json={"read_per_user": 1})
    read_as(emulator.url, context(fan_out_app).settings.service_account_email, sid)

    assert client.post("/tasks/sweep", headers=CRON).get_json()["queued"] == 1

    # The task's read is refused (429). That spends the minute's Sheets budget, so the
    # queue's retries (later each time) are refused by the budget, not by Google.
    wait_for(lambda: quotas(emulator.url, "GET")["refused"] >= 1, what="the read refused")
    wait_for(
        lambda: max((t.dispatch_count for t in queued(tasks, background_queue)), default=0) >= 3,
        what="retries",
    )
    assert quotas(emulator.url, "GET")["refused"] == 1
    clock.advance(seconds=62)  # a new minute: the quota and the budget are back
    wait_for(
        lambda: [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"],
        what="the edit read by a retried task",
    )
    wait_for(lambda: settled(store, sid), what="the MAP settled")
    quotas(emulator.url, "DELETE")


def test_a_channel_about_to_expire_is_renewed_by_its_task(
    fan_out_app: Flask, emulator: Any, tasks: tasks_v2.CloudTasksClient, background_queue: str
) -> None:
    client = fan_out_app.test_client()
    store = context(fan_out_app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    (current,) = store.channels_for_map(sid)
    store.save_channel(
        channel_id="about-to-expire",
        spreadsheet_id=sid,
        resource_id=current.resource_id,
        token="secret",
        expiration=START + timedelta(minutes=30),
    )
    watches = api_calls(emulator.url, sid).get("drive.files.watch", 0)

    response = client.post("/tasks/renew-channels", headers=CRON)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"queued": 1, "already_queued": 0, "failed": []}
    wait_for(lambda: store.get_channel("about-to-expire") is None, what="the channel renewed")
    assert api_calls(emulator.url, sid).get("drive.files.watch", 0) == watches + 1
    wait_for(lambda: not queued(tasks, background_queue), what="the queue drained")


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer(Mailbox(tmp_path / MAILBOX_DIR)).start()
    yield server
    server.stop()


def test_a_maps_reminder_task_decides_and_sends_its_reminder(
    make_tasks_app: Any,
    background_queue: str,
    smtp: LocalSmtpServer,
    emulator: Any,
    tasks: tasks_v2.CloudTasksClient,
) -> None:
    app: Flask = make_tasks_app(
        tasks_background_queue=background_queue.rsplit("/", 1)[1],
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_starttls=False,
    )
    client = app.test_client()
    store = context(app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for(lambda: settled(store, sid), what="the new MAP settled")
    edit_cell(emulator.url, sid, "D13", "Dana Lee <dana@acme.example>")
    edit_cell(emulator.url, sid, "F13", (START.date() + timedelta(days=1)).isoformat())
    assert client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url)).status_code == 200

    response = client.post("/tasks/reminders", headers=CRON)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"queued": 1, "already_queued": 0, "failed": []}
    wait_for(
        lambda: [r for r in smtp.mailbox.messages() if "dana@" in str(r.message["To"])],
        what="Dana's reminder delivered",
    )
    assert client.post("/tasks/reminders", headers=CRON).get_json()["already_queued"] == 1
