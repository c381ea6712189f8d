"""Where the real Google API recordings are: ``GOOGLE_RECORDINGS_DIR`` if set, else the
``shared/google-recordings`` folder beside the project (``../shared``)."""

from __future__ import annotations

import os
from pathlib import Path


def recordings_dir() -> Path:
    configured = os.environ.get("GOOGLE_RECORDINGS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1].parent / "shared" / "google-recordings"


ABSENT_REASON = (
    "the Google recordings are absent: expected ../shared/google-recordings beside the "
    "project, or GOOGLE_RECORDINGS_DIR"
)
