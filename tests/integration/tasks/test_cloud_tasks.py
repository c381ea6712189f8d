"""Cloud Tasks as the dispatcher of syncs: the real ``google-cloud-tasks`` client against
the Cloud Tasks emulator, which calls the real app over HTTP with an OIDC token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from google.cloud import tasks_v2

from emulator.testing import wait_for
from service.clock import Clock
from service.runtime.cloud_tasks import CloudTasksQueue
from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.tasks.cloud_tasks_stack import TASKS_ACCOUNT
from tests.integration.tasks.conftest import context
from tests.integration.web.flows import create_map, edit_cell, read_range, report_edit
from tests.integration.web.quota_flows import quotas, read_as
from tests.integration.web.tokens import id_token

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

# The first milestone's computed cells: Target date .. Risk (service/sheets/layout.py).
FIRST_COMPUTED = "Plan!J13:M13"


def settled(store: Store, spreadsheet_id: str) -> bool:
    """No sync pending or failed (a new MAP has no sync state until its first edit)."""
    state = store.sync_state(spreadsheet_id)
    return state is None or (not state.pending and state.last_error is None)


def test_a_buyers_edit_reaches_the_computed_cells_through_a_cloud_task(
    make_tasks_app: Any, emulator: Any, queue_path: str, tasks: tasks_v2.CloudTasksClient
) -> None:
    app: Flask = make_tasks_app()
    client = app.test_client()
    store = context(app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for(lambda: settled(store, sid), what="the new MAP settled")
    before = read_range(emulator.url, sid, FIRST_COMPUTED)

    edit_cell(emulator.url, sid, "G13", "Blocked")
    assert report_edit(client, emulator.url, sid, value="Blocked").status_code == 202

    wait_for(
        lambda: [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"],
        what="the edit synced by the task",
    )
    wait_for(lambda: settled(store, sid), what="the sync finished")
    after = read_range(emulator.url, sid, FIRST_COMPUTED)
    assert after != before
    assert "Blocked" in " ".join(after[0])
    queue = context(app).syncs
    assert isinstance(queue, CloudTasksQueue) and queue.created >= 1
    wait_for(lambda: not list(tasks.list_tasks(parent=queue_path)), what="the queue drained")


def test_the_same_map_submitted_twice_in_a_window_makes_one_task(
    make_tasks_app: Any, queue_path: str, tasks: tasks_v2.CloudTasksClient, clock: Clock
) -> None:
    tasks.pause_queue(name=queue_path)
    app = make_tasks_app(tasks_coalesce_s=60)
    queue = context(app).syncs
    assert isinstance(queue, CloudTasksQueue)
    # Ten seconds into a minute-long window: the submits below all fall in it.
    clock.set(START + timedelta(seconds=10))

    assert queue.submit("sheet-a") and queue.submit("sheet-a") and queue.submit("sheet-b")

    listed = list(tasks.list_tasks(parent=queue_path))
    assert len(listed) == 2
    assert (queue.created, queue.deduplicated) == (2, 1)
    assert all(t.http_request.url.endswith("/tasks/sync") for t in listed)
    assert all(t.http_request.oidc_token.service_account_email for t in listed)


def test_a_sync_refused_by_the_sheets_quota_is_retried_by_the_queue_not_lost(
    make_tasks_app: Any, emulator: Any, clock: Clock
) -> None:
    app: Flask = make_tasks_app()
    client = app.test_client()
    store = context(app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for(lambda: settled(store, sid), what="the new MAP settled")
    before = read_range(emulator.url, sid, FIRST_COMPUTED)
    # One read a minute per user, and the backend's account has just spent it.
    quotas(emulator.url, "PUT", json={"read_per_user": 1})
    read_as(emulator.url, context(app).settings.service_account_email, sid)

    edit_cell(emulator.url, sid, "G13", "Blocked")
    assert report_edit(client, emulator.url, sid, value="Blocked").status_code == 202

    # Refused (429) once: that spends the minute's budget, and the task schedules the
    # sync for the next minute (a later task); the notification stays pending.
    wait_for(lambda: quotas(emulator.url, "GET")["refused"] >= 1, what="the read refused")
    wait_for(
        lambda: "RateLimited" in (getattr(store.sync_state(sid), "last_error", "") or ""),
        what="the refusal recorded",
    )
    state = store.sync_state(sid)
    assert state is not None and state.pending
    assert quotas(emulator.url, "GET")["refused"] == 1  # nobody asked Google again

    clock.advance(seconds=62)  # a new minute: the quota and the budget are back

    wait_for(lambda: settled(store, sid), what="the sync went through on a retry")
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"]
    quotas(emulator.url, "DELETE")
    assert read_range(emulator.url, sid, FIRST_COMPUTED) != before


def test_a_task_for_a_map_still_being_edited_is_deferred_to_a_later_task(
    make_tasks_app: Any, emulator: Any, queue_path: str, tasks: tasks_v2.CloudTasksClient
) -> None:
    app: Flask = make_tasks_app()
    client = app.test_client()
    store = context(app).backend.store
    settings = context(app).settings
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for(lambda: settled(store, sid), what="the new MAP settled")
    tasks.pause_queue(name=queue_path)
    edit_cell(emulator.url, sid, "G13", "Blocked")
    assert report_edit(client, emulator.url, sid, value="Blocked").status_code == 202
    state = store.sync_state(sid)
    assert state is not None and state.last_notified_at is not None
    quiet_from = state.last_notified_at + timedelta(seconds=settings.sync_quiet_s)

    # The task runs at once (as if its window had closed): the MAP is not quiet yet.
    token = id_token(emulator.url, TASKS_ACCOUNT, audience=settings.resolved_tasks_audience())
    reply = client.post(
        "/tasks/sync", json={"spreadsheet_id": sid}, headers={"Authorization": f"Bearer {token}"}
    )

    assert reply.get_json() == {"syncs": 0, "outcome": "deferred"}
    scheduled = [t.schedule_time for t in tasks.list_tasks(parent=queue_path)]
    assert max(scheduled) >= quiet_from  # a task for when the MAP is quiet
    tasks.resume_queue(name=queue_path)
    wait_for(
        lambda: [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"],
        what="the edit synced by the later task",
    )
    wait_for(lambda: settled(store, sid), what="the sync finished")
