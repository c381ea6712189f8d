"""Where the real Google API recordings are: ``GOOGLE_RECORDINGS_DIR`` if set, else the
``shared/google-recordings`` folder beside the project (``../shared``) or beside one of
its parent folders."""

from __future__ import annotations

import os
from pathlib import Path


def recordings_dir() -> Path:
    """``GOOGLE_RECORDINGS_DIR``, else the first ``shared/google-recordings`` beside the
    project or beside one of its parent folders (a clone may sit deeper)."""
    configured = os.environ.get("GOOGLE_RECORDINGS_DIR")
    if configured:
        return Path(configured)
    project = Path(__file__).resolve().parents[2]
    for folder in project.parents:
        candidate = folder / "shared" / "google-recordings"
        if candidate.is_dir():
            return candidate
    return project.parent / "shared" / "google-recordings"


ABSENT_REASON = (
    "the Google recordings are absent: expected shared/google-recordings beside the "
    "project or one of its parent folders, or GOOGLE_RECORDINGS_DIR"
)
