"""The screenshot of the preview in docs/preview.png, taken in real Chromium from the
demo MAP of a fresh ``serve --demo``:

    .venv/bin/python -m tests.e2e.browser_screenshot [docs/preview.png]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.e2e.browser import new_context
from tests.e2e.browser_stack import ROOT, Serving

VIEWPORT = {"width": 1600, "height": 900}
DEMO_BUYER = "dana@acme.example"


def screenshot_preview(browser: Any, serve: Serving, out: Path) -> None:
    """The demo MAP as its buyer sees it, with the Deal health sidebar open."""
    context = new_context(browser, viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(serve.preview_url)
        page.locator("#files a", has_text="Acme Corp").click()
        page.locator('#grid td[data-a1="C7"]').wait_for()
        page.locator("#acting-as").select_option(DEMO_BUYER)
        page.wait_for_function(
            "() => document.querySelector('#acting-as').value === 'dana@acme.example'"
            " && document.querySelector('#grid td[data-a1=\"C7\"]')"
        )
        page.locator("#show-health").click()
        page.frame_locator("#sidebar-frame").locator("#score").wait_for()
        page.locator('#grid td[data-a1="F22"]').click()
        page.wait_for_timeout(300)
        page.screenshot(path=str(out))
    finally:
        context.close()


def main(argv: list[str]) -> int:
    from tests.e2e.browser import chromium
    from tests.e2e.browser_stack import serving

    out = Path(argv[0]) if argv else ROOT / "docs" / "preview.png"
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(Path(tmp) / "data", demo=True) as serve,
        chromium() as browser,
    ):
        screenshot_preview(browser, serve, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
