"""Crash points: the process kills itself (SIGKILL, no clean-up) at a named step of a
sync, so that tests can prove what survives a crash at each step.

Off unless the environment variable ``MAP_CRASH_POINT_FILE`` names a file. The file
holds the name of one step (``read``, ``compute``, ``write``, ``store``); the first
process to reach that step removes the file and kills itself, so a restarted process
runs on. The steps: after the sheet is read; after the plan is computed; after the
write reached the sheet, before the store records the sync; inside the store's
transaction, after the history, before it commits.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

ENV = "MAP_CRASH_POINT_FILE"
STEPS = ("read", "compute", "write", "store")


def crash_point(step: str) -> None:
    """Kill this process here if the crash-point file names ``step`` (once)."""
    if ENV not in os.environ:  # off (``os.environ.get`` raises and catches a KeyError)
        return
    path = os.environ[ENV]
    if not path:
        return
    try:
        wanted = Path(path).read_text().strip()
    except OSError:
        return
    if wanted != step:
        return
    try:
        os.remove(path)  # whoever removes it is the one that dies
    except FileNotFoundError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
