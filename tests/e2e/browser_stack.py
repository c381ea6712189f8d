"""``python -m service serve`` as a real process for the local-mode tests: started on
free ports with a data directory, stopped with SIGTERM, its output kept in a file."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests

from tests.integration.web.tokens import access_token, id_token

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0
T = TypeVar("T")


def free_port_pair() -> int:
    """A port P such that P and P + 1 are both free (serve takes both)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as first, socket.socket() as second:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no two free ports in a row")


@dataclass
class Serving:
    process: subprocess.Popen[bytes]
    log: Path
    backend_url: str
    emulator_url: str
    preview_url: str

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode

    def seller_headers(self, email: str = "sam@vendor.example") -> dict[str, str]:
        """What the add-on sends as ``email``: an ID token and an OAuth access token."""
        return {
            "Authorization": f"Bearer {id_token(self.emulator_url, email)}",
            "X-Goog-Access-Token": access_token(self.emulator_url, email),
        }

    def api(self, method: str, path: str, *, as_user: str = "sam@vendor.example", **kw: Any) -> Any:
        with requests.Session() as session:
            response = session.request(
                method,
                self.backend_url + path,
                headers=self.seller_headers(as_user),
                timeout=60,
                **kw,
            )
        assert response.ok, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    def preview_api(self, method: str, path: str, **kw: Any) -> requests.Response:
        with requests.Session() as session:
            return session.request(
                method, f"{self.emulator_url}/preview/api{path}", timeout=60, **kw
            )


def _url_after(label: str, text: str) -> str:
    match = re.search(rf"^\s*{label}\s+(http://\S+)", text, re.MULTILINE)
    assert match, f"no {label} URL in the output:\n{text[-3000:]}"
    return match.group(1)


@contextmanager
def serving(
    data_dir: Path,
    *,
    port: int = 0,
    demo: bool = False,
    log_name: str = "serve",
    settings: dict[str, str] | None = None,
) -> Iterator[Serving]:
    """``serve`` running until the block ends; yields its URLs once it is ready.
    ``settings``: ``MAP_*`` variables for it."""
    command = [
        sys.executable,
        "-m",
        "service",
        "serve",
        "--port",
        str(port),
        "--data",
        str(data_dir),
    ]
    if demo:
        command.append("--demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAP_") and k != "DATABASE_URL"}
    env["MAP_LOG_LEVEL"] = "INFO"
    env.update(settings or {})
    log = data_dir.parent / f"{log_name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    serving_ = None
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            text = log.read_text(encoding="utf-8", errors="replace")
            if "Ready." in text:
                break
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"serve was not ready in time:\n{text[-3000:]}")
            time.sleep(0.1)
        serving_ = Serving(
            process,
            log,
            _url_after("Backend", text),
            _url_after("Emulator", text),
            _url_after("Open", text),
        )
        yield serving_
    finally:
        if serving_ is not None:
            serving_.stop()
        elif process.poll() is None:
            process.kill()
            process.wait(5)


def eventually(check: Callable[[], T], timeout_s: float = 20.0, pause_s: float = 0.2) -> T:
    """``check()``'s first truthy answer, or its last one when time is up."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(pause_s)
