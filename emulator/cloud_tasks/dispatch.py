"""The dispatcher: a thread that takes due tasks and calls their HTTP targets on a pool
of threads, as Cloud Tasks does, with an OIDC token when the task asks for one."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from google.cloud import tasks_v2

from emulator.cloud_tasks.queues import Queues

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, queues: Queues, *, oidc_issuer: str, workers: int = 8) -> None:
        self._queues = queues
        self._issuer = oidc_issuer.rstrip("/")
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="tasks-dispatch")
        self._http = threading.local()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tasks-dispatcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._queues.changed:
            self._queues.changed.notify_all()
        self._thread.join(5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            with self._queues.changed:
                taken, wait = self._queues.take_due()
                if not taken:
                    self._queues.changed.wait(wait)
                    continue
            for queue_name, task in taken:
                self._pool.submit(self._dispatch, queue_name, task)

    def _dispatch(self, queue_name: str, task: tasks_v2.Task) -> None:
        status = 0
        try:
            status = self._call(queue_name, task)
        except Exception as exc:  # a refused connection, a timeout: the attempt failed
            log.info("task %s: %s", task.name, type(exc).__name__)
        self._queues.finish(queue_name, task.name, status)

    def _call(self, queue_name: str, task: tasks_v2.Task) -> int:
        request = task.http_request
        headers = dict(request.headers)
        headers.update(
            {
                "X-CloudTasks-QueueName": queue_name.rpartition("/")[2],
                "X-CloudTasks-TaskName": task.name.rpartition("/")[2],
                "X-CloudTasks-TaskRetryCount": str(task.dispatch_count - 1),
                "X-CloudTasks-TaskExecutionCount": str(task.response_count),
                "X-CloudTasks-TaskETA": f"{task.schedule_time.timestamp():.6f}",
            }
        )
        if request.oidc_token.service_account_email:
            token = self._id_token(
                request.oidc_token.service_account_email, request.oidc_token.audience or request.url
            )
            headers["Authorization"] = f"Bearer {token}"
        deadline = task.dispatch_deadline.total_seconds() if task.dispatch_deadline else 600.0
        response = self._session().request(
            tasks_v2.HttpMethod(request.http_method).name,
            request.url,
            data=request.body or None,
            headers=headers,
            timeout=deadline,
        )
        return response.status_code

    def _id_token(self, email: str, audience: str) -> str:
        response = self._session().post(
            f"{self._issuer}/__emulator/oidc/id-token",
            json={"email": email, "audience": audience},
            timeout=10,
        )
        response.raise_for_status()
        token: str = response.json()["id_token"]
        return token

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._http, "session", None)
        if session is None:
            session = self._http.session = requests.Session()
        return session
