"""Helpers shared by the command-line modules."""

from __future__ import annotations

import sys
from typing import NoReturn


class UsageError(Exception):
    """Input a person can fix: printed as one line, exit status 2."""


def fail(message: str) -> NoReturn:
    """Print one clear line on stderr and exit with status 2 (bad input)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)
