"""Cloud Tasks as the queue of background syncs (``MAP_SYNC_DISPATCHER=cloud_tasks``).

A hook records its notification in the store, then :meth:`CloudTasksQueue.submit`
creates a task whose HTTP target is ``POST /tasks/sync`` on this backend, with the
queue's OIDC token (:mod:`service.web.tasks` checks it). Cloud Tasks, not the instance,
then owns the work: an instance stopped with tasks queued loses none, the queue's rate
and concurrency limits keep the Sheets calls under the quota, and a failed sync is
retried with the queue's backoff (docs/deploy.md).

One pending task per MAP and window: the task's name is made of a digest of the
spreadsheet id and the number of the ``tasks_coalesce_s`` window the sync is due in,
and it is scheduled for the end of that window. Cloud Tasks refuses a second task of
the same name (ALREADY_EXISTS), so a burst of edits within a window makes one task,
which runs after every edit of its window has been recorded. An edit in a later window
makes the next task.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from google.api_core import exceptions as api_exceptions
from google.cloud import tasks_v2

from service.config import Settings

log = logging.getLogger(__name__)

# Seconds a create_task call may take before the hook gives up (the sweep covers it).
CREATE_TIMEOUT_S = 10.0


def sync_task_id(spreadsheet_id: str, window: int) -> str:
    """The task id of a MAP's sync due in ``window``: a digest first (Cloud Tasks spreads
    names that do not share a prefix), never the raw id (any character may be in it)."""
    digest = hashlib.sha256(spreadsheet_id.encode()).hexdigest()[:32]
    return f"sync-{digest}-{window}"


class CloudTasksQueue:
    """:class:`~service.runtime.sync_queue.SyncQueue` on a Cloud Tasks queue."""

    def __init__(
        self,
        client: tasks_v2.CloudTasksClient,
        *,
        queue_path: str,
        target_url: str,
        service_account_email: str,
        audience: str,
        coalesce_s: float,
        now: Callable[[], datetime],
    ) -> None:
        self._client = client
        self.queue_path = queue_path
        self._target_url = target_url
        self._service_account = service_account_email
        self._audience = audience
        self._coalesce_s = coalesce_s
        self._now = now
        self.created = 0
        self.deduplicated = 0

    def submit(self, spreadsheet_id: str) -> bool:
        return self._create(spreadsheet_id, self._now())

    def submit_later(self, spreadsheet_id: str, delay_s: float) -> bool:
        return self._create(spreadsheet_id, self._now() + timedelta(seconds=delay_s))

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Nothing runs in this process: the queue's tasks are Cloud Tasks' to run."""
        return True

    def close(self) -> None:
        self._client.transport.close()  # type: ignore[no-untyped-call]

    def task_for(self, spreadsheet_id: str, due: datetime) -> tasks_v2.Task:
        window = math.floor(due.timestamp() / self._coalesce_s) + 1
        body = json.dumps({"spreadsheet_id": spreadsheet_id}).encode()
        return tasks_v2.Task(
            name=f"{self.queue_path}/tasks/{sync_task_id(spreadsheet_id, window)}",
            schedule_time=datetime.fromtimestamp(window * self._coalesce_s, UTC),
            http_request=tasks_v2.HttpRequest(
                url=self._target_url,
                http_method=tasks_v2.HttpMethod.POST,
                headers={"Content-Type": "application/json"},
                body=body,
                oidc_token=tasks_v2.OidcToken(
                    service_account_email=self._service_account, audience=self._audience
                ),
            ),
        )

    def _create(self, spreadsheet_id: str, due: datetime) -> bool:
        task = self.task_for(spreadsheet_id, due)
        try:
            self._client.create_task(parent=self.queue_path, task=task, timeout=CREATE_TIMEOUT_S)
        except api_exceptions.AlreadyExists:
            # This window's task is pending (or has just started: the store's lease
            # makes it sync once more for a notification recorded meanwhile).
            self.deduplicated += 1
            return True
        except (api_exceptions.GoogleAPIError, OSError) as exc:
            log.warning(
                "sync task for %s not queued (%s); it is left for the sweep",
                spreadsheet_id,
                type(exc).__name__,
            )
            return False
        self.created += 1
        return True


def tasks_client(settings: Settings) -> tasks_v2.CloudTasksClient:
    """Google's Cloud Tasks (Application Default Credentials), or the emulator at
    ``tasks_emulator_host`` over an insecure channel."""
    if settings.tasks_emulator_host:
        import grpc
        from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

        channel = grpc.insecure_channel(settings.tasks_emulator_host)
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()


def build_cloud_tasks_queue(settings: Settings, now: Callable[[], datetime]) -> CloudTasksQueue:
    return CloudTasksQueue(
        tasks_client(settings),
        queue_path=settings.resolved_tasks_queue_path(),
        target_url=settings.resolved_tasks_target_url(),
        service_account_email=settings.resolved_tasks_service_account(),
        audience=settings.resolved_tasks_audience(),
        coalesce_s=settings.tasks_coalesce_s,
        now=now,
    )
