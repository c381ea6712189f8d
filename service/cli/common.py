"""Helpers shared by the command-line modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn


def fail(message: str) -> NoReturn:
    """Print one clear line on stderr and exit with status 2 (bad input)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def data_dir(text: str) -> Path:
    """``--data``: a directory (made if missing); exit 2 naming the problem otherwise."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        fail(f"--data must be a directory; '{text}' is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot use '{text}' as the data directory: {exc.strerror}")
    return path
