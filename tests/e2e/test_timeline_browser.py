"""The Timeline tab in real Chromium, in local mode (``python -m service serve`` as a
process): a MAP made in the Create MAP dialog shows its bars, today's week and the
committed go-live's week; after a buyer moves a Due date later, the go-live's projected
bar runs past the committed week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.browser import chromium, page_without_errors, require_chromium
from tests.e2e.browser_stack import Serving, serving
from tests.e2e.test_local_mode_browser import (
    BUYER,
    SECOND_MILESTONE_ROW,
    cell,
    create_map_in_dialog,
    serious_violations,
    sheet_date,
    text_of,
    wait_for_change,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TIMELINE_SHEET_ID = 1005
HEADER_ROW = 2  # 0-based: the week dates
FIRST_ROW = 3
PROJECTED_END = "E"
BOTH, PROJECTED_ONLY = "#6fa8dc", "#f6b26b"
THIS_WEEK, GO_LIVE_WEEK = "#fff2cc", "#ea9999"
UPDATE_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    require_chromium()
    with serving(tmp_path_factory.mktemp("timeline") / "data", log_name="timeline") as running:
        yield running


@pytest.fixture(scope="module")
def browser(serve: Serving) -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with page_without_errors(browser) as running:
        yield running


def row_cells(page: Any, row: int) -> list[dict[str, str]]:
    """The cells of a 0-based row as drawn: A1, shown value and style."""
    cells: list[dict[str, str]] = page.evaluate(
        "(row) => Array.from(document.querySelectorAll(`#grid td[data-row='${row}']`))"
        ".map(td => ({a1: td.getAttribute('data-a1'), v: td.getAttribute('data-value'),"
        " col: td.getAttribute('data-col'), st: td.getAttribute('style') || ''}))",
        row,
    )
    return cells


def painted(cells: list[dict[str, str]], colour: str) -> list[int]:
    """The 0-based columns of the cells drawn in ``colour`` (a style the page changed,
    as in frozen rows, reads ``rgb(...)``)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    forms = (f"background-color:{colour}", f"background-color: rgb({red}, {green}, {blue})")
    return [int(c["col"]) for c in cells if any(f in c["st"] for f in forms)]


def open_timeline(page: Any, href: str) -> None:
    page.goto(f"{href}?as={BUYER}&tab={TIMELINE_SHEET_ID}")
    cell(page, "A3").wait_for()


def test_the_timeline_after_a_slip(serve: Serving, page: Any) -> None:
    href = create_map_in_dialog(page, serve)
    page.goto(f"{href}?as={BUYER}")
    cell(page, "C5").wait_for()
    committed, projected_before = text_of(page, "C4"), text_of(page, "C5")

    open_timeline(page, href)
    assert text_of(page, "A3") == "Milestone" and text_of(page, "B2") == committed
    header = row_cells(page, HEADER_ROW)
    weeks_before = [c for c in header[5:] if c["v"]]
    assert len(painted(header, THIS_WEEK)) == 1, "today's week is marked"
    [go_live_week] = painted(header, GO_LIVE_WEEK)
    last_row = FIRST_ROW + 5  # the simple close plan's six steps; go-live is the last
    assert text_of(page, f"{PROJECTED_END}{last_row + 1}") == projected_before
    bars = row_cells(page, last_row)
    assert painted(bars, BOTH), "the go-live's bar: target and projected agree"
    assert not painted(bars, PROJECTED_ONLY)

    # The buyer moves the second step's Due four weeks later on the Plan tab.
    page.goto(f"{href}?as={BUYER}")
    row = SECOND_MILESTONE_ROW
    cell(page, f"J{row}").wait_for()
    target = datetime.strptime(text_of(page, f"J{row}"), "%b %d, %Y").date()
    cell(page, f"F{row}").dblclick()
    cell(page, f"F{row}").locator("input.editor").fill(sheet_date(target + timedelta(days=28)))
    cell(page, f"F{row}").locator("input.editor").press("Enter")
    projected_after = wait_for_change(page, "C5", projected_before)

    open_timeline(page, href)
    page.wait_for_function(
        "([a1, want]) => {"
        "  const td = document.querySelector(`#grid td[data-a1='${a1}']`);"
        "  return td && td.getAttribute('data-value') === want;"
        "}",
        arg=[f"{PROJECTED_END}{last_row + 1}", projected_after],
        timeout=UPDATE_TIMEOUT_MS,
    )
    header = row_cells(page, HEADER_ROW)
    assert len([c for c in header[5:] if c["v"]]) > len(weeks_before), "weeks added"
    assert painted(header, GO_LIVE_WEEK) == [go_live_week], "the committed week stays"
    late = painted(row_cells(page, last_row), PROJECTED_ONLY)
    assert late and min(late) > go_live_week, "the projected bar runs on past the target"


def test_the_timeline_has_no_serious_accessibility_violation(serve: Serving, page: Any) -> None:
    open_timeline(page, create_map_in_dialog(page, serve))
    found = serious_violations(page)
    assert found == [], "\n".join(found)
