"""The screenshots of the preview in docs/, taken in real Chromium from the demo MAP of
a fresh ``serve --demo`` (``scripts/screenshots`` runs this):

    .venv/bin/python -m tests.e2e.browser_screenshot [OUT_DIR]

- ``preview.png``: the sheet as its buyer sees it (the shared sheet, nothing else);
- ``preview-seller.png``: the same sheet as the seller sees it, with the add-on's Deal
  health sidebar open.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.e2e.browser import new_context
from tests.e2e.browser_stack import ROOT, Serving

VIEWPORT = {"width": 1440, "height": 900}
DEMO_BUYER = "dana@acme.example"
DEMO_SELLER = "sam@vendor.example"


def screenshot_preview(
    browser: Any, serve: Serving, out: Path, *, as_user: str = DEMO_BUYER, sidebar: bool = False
) -> None:
    """The demo MAP as ``as_user`` sees it; with ``sidebar``, the Deal health open."""
    context = new_context(browser, viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(serve.preview_url)
        page.locator("#files a", has_text="Acme Corp").click()
        page.locator('#grid td[data-a1="C7"]').wait_for()
        page.locator("#acting-as").select_option(as_user)
        page.wait_for_function(
            "user => document.querySelector('#acting-as').value === user"
            " && document.querySelector('#grid td[data-a1=\"C7\"]')",
            arg=as_user,
        )
        if sidebar:
            page.locator("#show-health").click()
            page.frame_locator("#sidebar-frame").locator("#score").wait_for()
        page.locator('#grid td[data-a1="F22"]').click()
        page.screenshot(path=str(out))
    finally:
        context.close()


def main(argv: list[str]) -> int:
    from tests.e2e.browser import chromium
    from tests.e2e.browser_stack import serving

    out_dir = Path(argv[0]) if argv else ROOT / "docs"
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(Path(tmp) / "data", demo=True) as serve,
        chromium() as browser,
    ):
        screenshot_preview(browser, serve, out_dir / "preview.png", as_user=DEMO_BUYER)
        screenshot_preview(
            browser, serve, out_dir / "preview-seller.png", as_user=DEMO_SELLER, sidebar=True
        )
    print(f"wrote {out_dir / 'preview.png'} and {out_dir / 'preview-seller.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
