"""The periodic work fanned out as Cloud Tasks (``MAP_SYNC_DISPATCHER=cloud_tasks``).

A cron request (the sweep, channel renewal, reminders) only decides what needs doing
and creates one task per unit of work (a MAP, a channel), then answers at once; Cloud
Tasks calls the unit's route (``/tasks/sweep-map``, ``/tasks/renew-channel``,
``/tasks/remind``) on any instance, at the rate of the queue, with the queue's OIDC
token, and retries it with the queue's backoff. The queue's rate, not a loop inside one
request, paces the Sheets calls.

Names deduplicate per period: a task's id holds its kind, a digest of its key (the MAP
or the channel) and the number of the ``period_s`` window (an hour) it was made in.
Cron's second run in the same hour, or a retried cron request, makes no second task
for the same unit (ALREADY_EXISTS); the next hour's run makes new ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import tasks_v2

from service.config import Settings
from service.runtime.cloud_tasks import CREATE_TIMEOUT_S, tasks_client
from service.runtime.fan_out import FanOutReport, Unit

log = logging.getLogger(__name__)

# The window a unit of periodic work is named for (cron runs at most hourly).
PERIOD_S = 3600.0


def task_id(kind: str, key: str, period: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{kind}-{digest}-{period}"


class BackgroundTasks:
    """Creates the named tasks of the periodic work on one Cloud Tasks queue."""

    def __init__(
        self,
        client: tasks_v2.CloudTasksClient,
        *,
        queue_path: str,
        base_url: str,
        service_account_email: str,
        audience: str,
        now: Callable[[], datetime],
        period_s: float = PERIOD_S,
    ) -> None:
        self._client = client
        self.queue_path = queue_path
        self._base_url = base_url.rstrip("/")
        self._service_account = service_account_email
        self._audience = audience
        self._now = now
        self._period_s = period_s

    def close(self) -> None:
        self._client.transport.close()  # type: ignore[no-untyped-call]

    def fan_out(self, route: str, kind: str, units: Iterable[Unit]) -> FanOutReport:
        """One task per unit for ``POST /tasks/<route>``, named for this period."""
        report = FanOutReport()
        period = math.floor(self._now().timestamp() / self._period_s)
        for unit in units:
            task = self.task_for(route, task_id(kind, unit.key, period), unit.body)
            try:
                self._client.create_task(
                    parent=self.queue_path, task=task, timeout=CREATE_TIMEOUT_S
                )
            except api_exceptions.AlreadyExists:
                report.already_queued += 1
            except (api_exceptions.GoogleAPIError, OSError) as exc:
                # Left for the next run of the cron job.
                log.warning("%s task for %s not queued (%s)", kind, unit.key, type(exc).__name__)
                report.failed.append(unit.key)
            else:
                report.queued += 1
        return report

    def task_for(self, route: str, name: str, body: dict[str, Any]) -> tasks_v2.Task:
        return tasks_v2.Task(
            name=f"{self.queue_path}/tasks/{name}",
            http_request=tasks_v2.HttpRequest(
                url=f"{self._base_url}/tasks/{route}",
                http_method=tasks_v2.HttpMethod.POST,
                headers={"Content-Type": "application/json"},
                body=json.dumps(body).encode(),
                oidc_token=tasks_v2.OidcToken(
                    service_account_email=self._service_account, audience=self._audience
                ),
            ),
        )


def build_background_tasks(settings: Settings, now: Callable[[], datetime]) -> BackgroundTasks:
    return BackgroundTasks(
        tasks_client(settings),
        queue_path=settings.resolved_tasks_background_queue_path(),
        base_url=settings.tasks_target_url or settings.public_url,
        service_account_email=settings.resolved_tasks_service_account(),
        audience=settings.resolved_tasks_audience(),
        now=now,
    )
