"""``python -m emulator`` run in a subprocess, as a person would run it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    drive_for,
    new_spreadsheet,
)

ROOT = Path(__file__).resolve().parents[2]


def run_emulator(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    data = tmp_path / "data"
    process = run_emulator("--port", "0", "--data", str(data))
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, f"no URL in {line!r}"
        yield process, match.group(0), data
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=120)


def test_the_command_prints_its_url_and_serves_until_interrupted(
    running: tuple[subprocess.Popen[str], str, Path],
) -> None:
    process, url, _ = running

    health = requests.get(f"{url}/__emulator/health", timeout=10).json()
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)

    assert health == {"status": "ok", "files": 0, "persistent": True}
    assert process.returncode == 0
    assert "stopped" in out


def test_state_is_flushed_to_the_data_directory_on_the_way_out(
    running: tuple[subprocess.Popen[str], str, Path],
) -> None:
    process, url, data = running
    plan = new_spreadsheet(drive_for(url), "Kept")

    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)

    saved = json.loads((data / "files" / f"{plan['id']}.json").read_text())
    assert saved["file"]["name"] == "Kept"
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "http"], "--port must be a number"),
        (["--port", "70000"], "--port must be a number"),
        (["--push-workers", "0"], "--push-workers must be 1 or more"),
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert message in result.stderr


def test_a_data_path_that_is_a_file_exits_2(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")

    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--data", str(not_a_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "is a file" in result.stderr


def test_a_port_in_use_exits_2(running: tuple[subprocess.Popen[str], str, Path]) -> None:
    _, url, _ = running
    port = url.rsplit(":", 1)[1]

    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
