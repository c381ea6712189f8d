"""The Cloud Tasks path for tests: the Cloud Tasks emulator (``python -m
emulator.cloud_tasks``) in a process of its own, the real app served over HTTP so the
emulator's dispatcher can call it, and the real ``google-cloud-tasks`` client."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import grpc
from flask import Flask
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from emulator.http_server import WSGIServer

PROJECT = "map-local"
LOCATION = "us-central1"
TASKS_ACCOUNT = "map-tasks@map-local.iam.gserviceaccount.com"


@contextmanager
def cloud_tasks_emulator(emulator_url: str) -> Iterator[str]:
    """The Cloud Tasks emulator's ``host:port``; stopped afterwards. Its ID tokens come
    from the Google emulator at ``emulator_url``, and its time too (that emulator follows
    the test's clock, so a test that moves its clock moves the queue's)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator.cloud_tasks",
            "--port",
            "0",
            "--oidc-issuer",
            emulator_url,
            "--clock-url",
            f"{emulator_url}/__emulator/clock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield f"127.0.0.1:{_announced_port(process)}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def _announced_port(process: subprocess.Popen[str]) -> int:
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        # A generous bound: a loaded machine is slow to start Python, not wrong.
        line = lines.get(timeout=60)
    except queue.Empty:
        raise AssertionError("the Cloud Tasks emulator did not start within 60 s") from None
    if not line.startswith("listening on 127.0.0.1:"):
        raise AssertionError(f"the Cloud Tasks emulator did not start: {line!r}")
    return int(line.rsplit(":", 1)[1])


def tasks_client(host: str) -> tasks_v2.CloudTasksClient:
    channel = grpc.insecure_channel(host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


def create_queue(
    client: tasks_v2.CloudTasksClient,
    name: str,
    *,
    per_second: float = 5,
    concurrent: int = 4,
    min_backoff_s: float = 0.1,
    max_attempts: int = 20,
) -> str:
    """A queue shaped like docs/deploy.md's (faster backoff, for tests); its path."""
    parent = f"projects/{PROJECT}/locations/{LOCATION}"
    path = f"{parent}/queues/{name}"
    client.create_queue(
        parent=parent,
        queue=tasks_v2.Queue(
            name=path,
            rate_limits=tasks_v2.RateLimits(
                max_dispatches_per_second=per_second, max_concurrent_dispatches=concurrent
            ),
            retry_config=tasks_v2.RetryConfig(
                max_attempts=max_attempts,
                min_backoff=timedelta(seconds=min_backoff_s),
                max_backoff=timedelta(seconds=2),
                max_doublings=4,
            ),
        ),
    )
    return path


class ServedApp:
    """A WSGI server on a free port whose app is set once it is built (the app's
    settings need the server's URL)."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self._server = WSGIServer(("127.0.0.1", 0), self._call)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _call(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None, "the app is not built yet"
        return self.app(environ, start_response)

    def close(self) -> None:
        self._server.shutdown()
        self._server.close_open_connections()
        self._server.server_close()
        self._thread.join(10)
