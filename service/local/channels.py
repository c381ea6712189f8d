"""Drive watch channels follow the backend when its local address changes.

At Google the backend's public URL is stable, so a channel opened at provisioning
keeps reaching it. Locally the backend's port can change between runs (``--port``);
the channels saved by the emulator would still point at the old port. At start, local
mode moves them to the current address, as if the public URL had stayed the same.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from emulator.drive.push import channel_book
from emulator.state import EmulatorState

log = logging.getLogger(__name__)

HOOK_PATH = "/hooks/drive"
MARK_FILE = "backend-url.json"


def follow_backend(state: EmulatorState, data_dir: Path, backend_url: str) -> int:
    """Point the channels that went to the backend's previous address at ``backend_url``;
    remember ``backend_url`` for next time. Answers how many channels moved."""
    mark = data_dir / MARK_FILE
    previous = ""
    if mark.exists():
        try:
            previous = str(json.loads(mark.read_text(encoding="utf-8")).get("backend_url", ""))
        except (OSError, ValueError):
            previous = ""
    moved = 0
    if previous and previous != backend_url:
        old, new = previous.rstrip("/") + HOOK_PATH, backend_url.rstrip("/") + HOOK_PATH
        with state.lock:
            for channel in channel_book(state).all():
                if channel.address == old:
                    channel.address = new
                    moved += 1
        if moved:
            state.touch()
            log.info("moved %d Drive channels to %s", moved, new)
    mark.write_text(json.dumps({"backend_url": backend_url}), encoding="utf-8")
    return moved
