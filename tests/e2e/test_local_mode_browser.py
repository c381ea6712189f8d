"""Local mode in real Chromium: ``python -m service serve --demo`` as a process, the
add-on's own Create MAP dialog with the local stand-in, and the live preview of the
MAP spreadsheet as a buyer edits it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.clock import real_today
from tests.e2e.browser import chromium, page_without_errors, require_chromium
from tests.e2e.browser_stack import Serving, serving

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BUYER = "wendy@initech.example"
# Where provisioning puts the simple close plan's second milestone (a buyer step).
SECOND_MILESTONE_ROW = 14
UPDATE_TIMEOUT_MS = 60_000  # generous: a loaded machine is slow, not wrong


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    require_chromium()
    with serving(tmp_path_factory.mktemp("local-mode") / "data", demo=True) as running:
        yield running


@pytest.fixture(scope="module")
def browser(serve: Serving) -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with page_without_errors(browser) as running:
        yield running


def cell(page: Any, a1: str) -> Any:
    return page.locator(f'#grid td[data-a1="{a1}"]')


def text_of(page: Any, a1: str) -> str:
    """The cell's formatted value, as the preview shows it."""
    value: str = cell(page, a1).get_attribute("data-value")
    return value


def wait_for_change(page: Any, a1: str, before: str) -> str:
    page.wait_for_function(
        "([a1, before]) => {"
        "  const td = document.querySelector(`#grid td[data-a1='${a1}']`);"
        "  return td && td.getAttribute('data-value') !== before;"
        "}",
        arg=[a1, before],
        timeout=UPDATE_TIMEOUT_MS,
    )
    return text_of(page, a1)


def sheet_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def create_map_in_dialog(page: Any, serve: Serving) -> str:
    """Fill in and send the add-on's Create MAP dialog; the new MAP's link."""
    page.goto(f"{serve.emulator_url}/preview/create?as=sam@vendor.example")
    dialog = page.frame_locator("#dialog")
    dialog.locator("#template option[value=simple-close-plan]").wait_for(state="attached")
    dialog.locator("#template").select_option("simple-close-plan")
    dialog.locator("#account").fill("Initech")
    dialog.locator("#outcome").fill("Half the TPS reports by spring")
    go_live = real_today() + timedelta(days=120)
    dialog.locator("#go_live").fill(go_live.isoformat())
    dialog.locator("#buyer-name-0").fill("Wendy Buyer")
    dialog.locator("#buyer-email-0").fill(BUYER)
    assert dialog.locator("#seller_owner").input_value() == "sam@vendor.example"
    dialog.locator("#submit").click()
    link = dialog.locator("#map-link")
    link.wait_for(state="visible", timeout=30_000)
    assert "shared with " + BUYER in dialog.locator("#result-summary").inner_text()
    href: str = link.get_attribute("href")
    return href


def test_a_map_made_in_create_map_updates_live_as_the_buyer_edits_status_and_due(
    serve: Serving, page: Any
) -> None:
    href = create_map_in_dialog(page, serve)
    assert href.startswith(f"{serve.emulator_url}/preview/1")

    page.goto(f"{href}?as={BUYER}")
    cell(page, "C7").wait_for()
    assert page.locator("#acting-as").input_value() == BUYER
    loaded_at = page.evaluate("window.previewLoadedAt")
    row = SECOND_MILESTONE_ROW
    before = {a1: text_of(page, a1) for a1 in ("C5", "C7", f"L{row}", f"M{row}")}
    assert text_of(page, f"G{row}") == "Not started"

    # The Status dropdown (data validation), then the Due date typed in.
    cell(page, f"G{row}").locator("select").select_option("In progress")
    assert wait_for_change(page, f"G{row}", "Not started") == "In progress"
    target = datetime.strptime(text_of(page, f"J{row}"), "%b %d, %Y").date()
    late = target + timedelta(days=28)
    cell(page, f"F{row}").dblclick()
    cell(page, f"F{row}").locator("input.editor").fill(sheet_date(late))
    cell(page, f"F{row}").locator("input.editor").press("Enter")

    projected = wait_for_change(page, "C5", before["C5"])
    assert (
        datetime.strptime(projected, "%b %d, %Y").date()
        > datetime.strptime(before["C5"], "%b %d, %Y").date()
    )
    assert wait_for_change(page, "C7", before["C7"]) != before["C7"]
    risk = wait_for_change(page, f"M{row}", before[f"M{row}"])
    assert "Due is later than the plan allows" in risk, risk
    assert text_of(page, f"F{row}") == sheet_date(late)
    assert page.evaluate("window.previewLoadedAt") == loaded_at, "the page reloaded"


def test_the_demo_map_shows_its_risks_history_and_deal_health_and_warns_before_a_computed_cell(
    serve: Serving, page: Any
) -> None:
    page.goto(serve.preview_url)
    page.locator("#files a", has_text="Acme Corp").click()
    cell(page, "C7").wait_for()
    assert "At risk" in text_of(page, "C7")
    top_risks = text_of(page, "C8")  # in words for both sides: the facts, no advice
    assert "moved 2 times with no reason given" in top_risks, top_risks
    assert "write down" not in top_risks.casefold(), top_risks
    risks = [text_of(page, f"M{r}") for r in range(13, 28)]
    assert any(risks), "no risk in the Risk column"
    assert page.locator("#live-updates").is_checked()
    assert cell(page, "A13").count() == 0, "the hidden ID column is drawn"

    # A computed cell is protected, warning only: Sheets asks first.
    target_before = text_of(page, "J13")
    cell(page, "J13").dblclick()
    cell(page, "J13").locator("input.editor").fill("Jan 1, 2030")
    cell(page, "J13").locator("input.editor").press("Enter")
    page.locator("#heads-up").wait_for(state="visible")
    assert "Computed by the MAP backend" in page.locator("#heads-up-description").inner_text()
    page.locator("#heads-up-cancel").click()
    assert text_of(page, "J13") == target_before

    page.locator("#show-health").click()
    sidebar = page.frame_locator("#sidebar-frame")
    sidebar.locator("#score").wait_for(timeout=UPDATE_TIMEOUT_MS)
    assert sidebar.locator("#account").inner_text() == "Acme Corp"
    assert "without a reason" in sidebar.locator("#risks").inner_text()
    assert sidebar.locator("#basis").inner_text() == "Based on priors"
    assert sidebar.locator("#go-live-odds").inner_text().endswith("% on time")

    page.locator('#tabs button[data-sheet-title="History"]').click()
    cell(page, "A1").wait_for()
    assert text_of(page, "A1") == "When (UTC)"
    fields = [text_of(page, f"D{r}") for r in range(2, 14)]
    assert fields.count("Due") == 2


def test_the_pipeline_dialog_lists_the_sellers_maps_with_links_to_their_previews(
    serve: Serving, page: Any
) -> None:
    page.goto(f"{serve.emulator_url}/preview/pipeline?as=sam@vendor.example")
    dialog = page.frame_locator("#dialog")
    dialog.locator("#maps").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    link = dialog.locator("#maps a", has_text="Acme Corp")
    assert link.get_attribute("href").startswith(f"{serve.emulator_url}/preview/1")
    # The quarter's roll-up, and each MAP's chance of signing this quarter.
    dialog.locator("#rollup").wait_for(state="visible")
    assert re.fullmatch(r"\d+\.\d\d", dialog.locator("#expected").inner_text())
    assert re.fullmatch(r"\d+", dialog.locator("#committed").inner_text())
    row = dialog.locator("#maps tbody tr", has_text="Acme Corp").first
    assert re.fullmatch(r"\d+%|-", row.locator("td").nth(5).inner_text())
    dialog.locator("#sort").select_option("signature")
    dialog.locator("#maps").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    # Someone from another organisation sees none of them.
    page.locator("#acting-as").fill("olga@rival.example")
    page.locator("#acting-form button").click()
    dialog.locator("#empty").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)


def test_the_screenshot_helper_writes_the_buyers_and_the_sellers_view(
    serve: Serving, browser: Any, tmp_path: Path
) -> None:
    from tests.e2e.browser_screenshot import DEMO_SELLER, screenshot_preview

    buyer, seller = tmp_path / "preview.png", tmp_path / "preview-seller.png"
    screenshot_preview(browser, serve, buyer)
    screenshot_preview(browser, serve, seller, as_user=DEMO_SELLER, sidebar=True)
    for out in (buyer, seller):
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert buyer.read_bytes() != seller.read_bytes()


AXE = (
    Path(__file__).resolve().parents[2] / "appsscript" / "node_modules" / "axe-core" / "axe.min.js"
)


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page (frames included)."""
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE} (run npm ci in appsscript/)"
        if os.environ.get("TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    for frame in page.frames:
        frame.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} at "
        + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_preview_and_its_sidebar_have_no_serious_accessibility_violation(
    serve: Serving, page: Any
) -> None:
    page.goto(serve.preview_url)
    assert serious_violations(page) == []  # the index
    page.locator("#files a", has_text="Acme Corp").click()
    cell(page, "C7").wait_for()
    page.locator("#show-health").click()
    page.frame_locator("#sidebar-frame").locator("#score").wait_for(timeout=UPDATE_TIMEOUT_MS)
    found = serious_violations(page)
    assert found == [], "\n".join(found)


def test_the_previews_dialog_pages_have_no_serious_accessibility_violation(
    serve: Serving, page: Any
) -> None:
    page.goto(f"{serve.emulator_url}/preview/pipeline?as=sam@vendor.example")
    page.frame_locator("#dialog").locator("#maps").wait_for(timeout=UPDATE_TIMEOUT_MS)
    found = serious_violations(page)
    assert found == [], "\n".join(found)
    page.goto(f"{serve.emulator_url}/preview/create?as=sam@vendor.example")
    page.frame_locator("#dialog").locator("#create-form").wait_for(timeout=UPDATE_TIMEOUT_MS)
    found = serious_violations(page)
    assert found == [], "\n".join(found)


def test_a_risk_clicked_in_the_sidebar_selects_its_rows_and_the_weekly_review_is_in_the_menu(
    serve: Serving, page: Any
) -> None:
    page.goto(serve.preview_url)
    page.locator("#files a", has_text="Acme Corp").click()
    cell(page, "C7").wait_for()
    page.locator("#show-health").click()
    sidebar = page.frame_locator("#sidebar-frame")
    button = sidebar.locator("#risks button.rows").first
    button.wait_for(timeout=UPDATE_TIMEOUT_MS)
    titles = button.inner_text().removeprefix("Milestones: ").split(", ")
    button.click()
    page.locator("#grid tr.picked").first.wait_for()
    picked = page.locator("#grid tr.picked").evaluate_all(
        "trs => trs.map(tr => tr.querySelector('td[data-a1^=\"B\"]').getAttribute('data-value'))"
    )
    assert picked == titles

    page.locator("#show-review").click()
    assert page.locator("#sidebar-name").inner_text() == "Weekly review"
    review = page.frame_locator("#sidebar-frame")
    review.locator("#review").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    review.locator("#close").click()
    page.locator("#sidebar").wait_for(state="hidden")
