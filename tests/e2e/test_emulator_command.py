"""``python -m service emulator``, the product's command for the emulator alone, still
serves it (``python -m emulator`` is tested with the emulator)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_serves_the_emulator_until_interrupted(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "emulator", "--port", "0", "--data", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert match
        health = requests.get(f"{match.group(0)}/__emulator/health", timeout=10).json()
        process.send_signal(signal.SIGINT)
        # Generous: stopping saves the data, which a loaded machine may take a while to do.
        out, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)

    assert health == {"status": "ok", "files": 0, "persistent": True}
    assert process.returncode == 0
    assert "stopped" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--port", "http"], "--port must be a number"), (["--data", __file__], "is a file")],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service", "emulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
