"""The backend as production runs it (gunicorn, from its real entrypoint), started,
killed with SIGKILL and started again by tests of what survives a crash."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.test_backend_server import ROOT, free_port
from tests.integration.web.tokens import AUDIENCE


class BackendProcess:
    """gunicorn with one worker on a free port, in a process group of its own."""

    def __init__(self, database_url: str, emulator_url: str, directory: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "gunicorn.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MAP_")},
            "DATABASE_URL": database_url,
            "MAP_DATA_DIR": str(directory),
            "MAP_GOOGLE_MODE": "local",
            "MAP_EMULATOR_URL": emulator_url,
            "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
            "MAP_PUBLIC_URL": self.url,
            "MAP_LOG_FORMAT": "text",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **env: str) -> None:
        """Start (again), with ``env`` on top of the environment; wait until it answers."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "-c", "python:service.web.gunicorn_config",
                    "-b", f"127.0.0.1:{self.port}", "-w", "1",
                    "--threads", "8", "--graceful-timeout", "5", "service.web.app:create_app()",
                ],
                cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self._wait_until_up()

    def kill(self) -> None:
        """SIGKILL to gunicorn and its worker: nothing is cleaned up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.wait_dead()

    def wait_dead(self, timeout_s: float = 60.0) -> None:
        """Until the process and its worker are gone (killed, or it killed itself)."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):  # a worker its master left behind
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.wait_dead()

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer in time:\n{self.log.read_text()[-3000:]}")


def hold_all(emulator_url: str, method: str) -> dict[str, Any]:
    """Every ``method`` request waits in the emulator until the rule is deleted."""
    reply = requests.post(
        f"{emulator_url}/__emulator/faults", json={"method": method, "hold": True}, timeout=10
    )
    reply.raise_for_status()
    rule: dict[str, Any] = reply.json()
    return rule


def held(emulator_url: str, rule: dict[str, Any]) -> int:
    rules = requests.get(f"{emulator_url}/__emulator/faults", timeout=10).json()["faults"]
    return int(next((r["held"] for r in rules if r["id"] == rule["id"]), 0))


def let_go(emulator_url: str, rule: dict[str, Any]) -> None:
    requests.delete(
        f"{emulator_url}/__emulator/faults", params={"id": rule["id"]}, timeout=10
    ).raise_for_status()
