"""Start the product's own processes for end-to-end tests, and stop them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def running_emulator(data_dir: Path | None = None) -> Iterator[str]:
    """``python -m service emulator`` on a free port; yields its URL."""
    command = [sys.executable, "-m", "service", "emulator", "--port", "0"]
    if data_dir is not None:
        command += ["--data", str(data_dir)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        urls = [w.rstrip(".,") for w in line.split() if w.startswith("http://")]
        if not urls:
            errors = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the emulator did not start: {line!r} {errors}")
        yield urls[0]
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
