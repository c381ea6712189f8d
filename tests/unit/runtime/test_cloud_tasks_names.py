"""Sync tasks' names and schedule times: one name per MAP and coalescing window, due at
the window's end, with the spreadsheet id only as a digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from service.runtime.cloud_tasks import CloudTasksQueue

QUEUE = "projects/p/locations/l/queues/map-sync"
WINDOW_START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def queue(coalesce_s: float = 2.0) -> CloudTasksQueue:
    client: Any = None  # task_for never calls Google
    return CloudTasksQueue(
        client,
        queue_path=QUEUE,
        target_url="https://map.example.test/tasks/sync",
        service_account_email="tasks@p.iam.gserviceaccount.com",
        audience="https://map.example.test",
        coalesce_s=coalesce_s,
        now=lambda: WINDOW_START,
    )


def test_edits_in_one_window_share_a_task_due_at_its_end() -> None:
    q = queue()
    first = q.task_for("sheet/1", WINDOW_START)
    later = q.task_for("sheet/1", WINDOW_START + timedelta(seconds=1.999))

    assert first.name == later.name
    assert first.name.startswith(f"{QUEUE}/tasks/sync-")
    assert "sheet/1" not in first.name
    assert first.schedule_time == WINDOW_START + timedelta(seconds=2)


def test_the_next_window_and_another_map_get_other_names() -> None:
    q = queue()
    base = q.task_for("sheet-1", WINDOW_START).name

    assert q.task_for("sheet-1", WINDOW_START + timedelta(seconds=2)).name != base
    assert q.task_for("sheet-2", WINDOW_START).name != base


def test_the_task_carries_the_map_and_the_queues_oidc_token() -> None:
    task = queue().task_for("sheet-1", WINDOW_START)

    assert task.http_request.url == "https://map.example.test/tasks/sync"
    assert task.http_request.body == b'{"spreadsheet_id": "sheet-1"}'
    assert task.http_request.oidc_token.service_account_email == "tasks@p.iam.gserviceaccount.com"
    assert task.http_request.oidc_token.audience == "https://map.example.test"
