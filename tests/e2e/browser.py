"""Real Chromium for the browser tests: Debian's ``/usr/bin/chromium`` (or
``CHROMIUM_PATH``) driven by Playwright, never Playwright's own download. Without it the
tests are skipped with the reason, or fail when ``TEST_REQUIRE_BROWSER=1``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> Path:
    return Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")


def require_chromium() -> Path:
    """The browser's path; skips (or fails, with TEST_REQUIRE_BROWSER=1) without it."""
    path = chromium_path()
    if path.exists():
        return path
    reason = f"Chromium is not installed at {path} (set CHROMIUM_PATH, or apt-get install chromium)"
    if os.environ.get("TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright Browser), closed afterwards."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
