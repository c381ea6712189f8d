"""The periodic work's task names: one per kind, unit and hour, with the unit's key only
as a digest; the task goes to the unit's route with the queue's OIDC token."""

from __future__ import annotations

import json
import re
from typing import Any

from service.runtime.background_tasks import BackgroundTasks, task_id
from tests.clock import START

QUEUE = "projects/p/locations/l/queues/map-background"


def test_a_unit_has_one_name_per_hour_and_kind() -> None:
    same = task_id("sweep", "sheet/1", 100)
    assert same == task_id("sweep", "sheet/1", 100)
    assert same != task_id("sweep", "sheet/1", 101)
    assert same != task_id("remind", "sheet/1", 100)
    assert same != task_id("sweep", "sheet/2", 100)
    # Only letters, digits and hyphens (Cloud Tasks' rule); never the raw key.
    assert re.fullmatch(r"[A-Za-z0-9-]+", same) and "sheet" not in same


def test_a_task_carries_the_body_to_its_route_with_the_queues_token() -> None:
    client: Any = None  # task_for never calls Google
    tasks = BackgroundTasks(
        client,
        queue_path=QUEUE,
        base_url="https://map.example.test/",
        service_account_email="tasks@p.iam.gserviceaccount.com",
        audience="https://map.example.test",
        now=lambda: START,
    )

    task = tasks.task_for("sweep-map", "sweep-x-1", {"spreadsheet_id": "s1"})

    assert task.name == f"{QUEUE}/tasks/sweep-x-1"
    assert task.http_request.url == "https://map.example.test/tasks/sweep-map"
    assert json.loads(task.http_request.body) == {"spreadsheet_id": "s1"}
    assert task.http_request.oidc_token.service_account_email == "tasks@p.iam.gserviceaccount.com"
    assert task.http_request.oidc_token.audience == "https://map.example.test"
