"""The backend as it runs in production: gunicorn (two workers, threads) started by its
real entrypoint, configured from the environment, on PostgreSQL (SQLite when PostgreSQL
is not there), with the emulator standing in for Google. Drive push notifications reach
it over HTTP; a buyer's edit in the sheet ends up synced, recomputed and in the history."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from service.store import Store
from tests.clock import real_today
from tests.db_fixtures import BACKENDS, backend_database_url
from tests.integration.web.flows import BUYER, FIRST_STATUS_CELL, MAP_BODY, edit_cell, read_range
from tests.integration.web.tokens import AUDIENCE, access_token, id_token

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_backend", BACKENDS)]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def backend_server(
    db_backend: str, tmp_path: Path, real_time_emulator: Any
) -> Iterator[dict[str, Any]]:
    """gunicorn on a free port; yields its URL and the database URL."""
    with ExitStack() as stack:
        database_url = stack.enter_context(backend_database_url(db_backend, tmp_path))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MAP_")},
            "DATABASE_URL": database_url,
            "MAP_DATA_DIR": str(tmp_path),
            "MAP_GOOGLE_MODE": "local",
            "MAP_EMULATOR_URL": real_time_emulator.url,
            "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
            "MAP_PUBLIC_URL": url,
            "MAP_LOG_FORMAT": "json",
        }
        log = (tmp_path / "gunicorn.log").open("w")
        stack.callback(log.close)
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-c", "python:service.web.gunicorn_config",
                "-b", f"127.0.0.1:{port}", "-w", "2",
                "--threads", "4", "--graceful-timeout", "5", "service.web.app:create_app()",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(stop, process)
        wait_until_up(url, process, tmp_path / "gunicorn.log")
        yield {"url": url, "database_url": database_url, "log": tmp_path / "gunicorn.log"}


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer in time:\n{log.read_text()[-3000:]}")


def eventually(check: Any, timeout_s: float = 120.0) -> Any:
    """``check()`` once it holds (a generous bound: a loaded machine is slow, not wrong)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_a_buyers_edit_reaches_the_backend_by_drive_push_and_is_synced(
    backend_server: dict[str, Any], real_time_emulator: Any
) -> None:
    url = backend_server["url"]
    headers = {
        "Authorization": f"Bearer {id_token(real_time_emulator.url)}",
        "X-Goog-Access-Token": access_token(real_time_emulator.url),
    }
    # gunicorn keeps real time: its go-live comes from the real today.
    body = {**MAP_BODY, "go_live": (real_today() + timedelta(days=128)).isoformat()}
    created = requests.post(f"{url}/api/maps", json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    sid = created.json()["spreadsheet_id"]

    edit_cell(real_time_emulator.url, sid, FIRST_STATUS_CELL, "Done", as_user=BUYER)

    with Store.from_url(backend_server["database_url"]) as store:

        def synced() -> bool:
            done = [e for e in store.history(sid) if e.field == "status" and e.new == "Done"]
            state = store.sync_state(sid)
            return bool(done) and state is not None and not state.pending

        assert eventually(synced), "the edit was not synced"
    health = read_range(real_time_emulator.url, sid, f"Plan!L{FIRST_STATUS_CELL[1:]}")
    assert health == [["Done"]]
    detail = requests.get(f"{url}/api/maps/{sid}", headers=headers, timeout=10).json()
    assert detail["milestones"][0]["status"] == "Done"
    log = backend_server["log"].read_text()
    assert headers["X-Goog-Access-Token"] not in log
    assert headers["Authorization"].split()[1] not in log
