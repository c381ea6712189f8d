"""Real Chromium for the browser tests: Debian's ``/usr/bin/chromium`` (or
``CHROMIUM_PATH``) driven by Playwright, never Playwright's own download. Without it the
tests are skipped with the reason, or fail when ``TEST_REQUIRE_BROWSER=1``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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


def under_faketime() -> bool:
    """In the suite's run a year ahead (``.ci/run``)."""
    return bool(os.environ.get("FAKETIME")) and "faketime" in os.environ.get("LD_PRELOAD", "")


def browser_environment() -> dict[str, str] | None:
    """Chromium's environment: ours, except that Chromium never runs under libfaketime
    (its zygote process hangs there). Pages get the suite's time from
    :func:`new_context` instead."""
    if not under_faketime():
        return None
    return {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context whose pages read the same time as the rest of the suite."""
    context = browser.new_context(**options)
    if under_faketime():
        context.clock.install(time=datetime.now(UTC))
    return context


@contextmanager
def page_without_errors(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in a context of its own (1400 x 900 unless ``options`` say otherwise), and
    no script error in it allowed: one fails the test when the page closes."""
    context = new_context(browser, **{"viewport": {"width": 1400, "height": 900}, **options})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"script errors in the page: {errors}"


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright Browser), closed afterwards."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(path), args=LAUNCH_ARGS, env=browser_environment()
        )
        try:
            yield browser
        finally:
            browser.close()
