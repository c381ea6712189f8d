"""A sheet that speaks to both sides, in real Chromium, in local mode (``python -m
service serve`` as a process): each MAP is made in the add-on's Create MAP dialog by a
browser with the seller's locale and time zone (the stand-in sends the browser's, as
Apps Script sends the account's), and people then type into the preview's grid and use
the add-on's sidebar and menu as they would in Sheets.

- A German buyer types a date day first with dots; the plan reads it as that day.
- A MAP in Pacific/Kiritimati (UTC+14) dates its weekly review with Kiritimati's date.
- With no add-on trigger, History names who changed what from Drive's revisions, or
  "probably" who when several people edited between two syncs.
- A reason typed later in History's Reason column clears CLOSE_DATE_MOVED.

``serve`` keeps real time, so every date here derives from the real clock (in the
spreadsheet's zone where that matters), never from a literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from emulator.testing import Hold
from service.domain.calendar import BusinessCalendar
from tests.e2e.browser import chromium, page_without_errors, require_chromium
from tests.e2e.browser_stack import Serving, serving
from tests.e2e.test_local_mode_browser import (
    BUYER,
    SECOND_MILESTONE_ROW,
    UPDATE_TIMEOUT_MS,
    cell,
    create_map_in_dialog,
    sheet_date,
    text_of,
)
from tests.integration.services.sheet_view import shown

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SELLER = "sam@vendor.example"  # who Create MAP runs as: the MAP's owner
KIRITIMATI = "Pacific/Kiritimati"
READ = "sheets.spreadsheets.get"  # the sync's read of the spreadsheet
FIRST_MILESTONE_ROW = 13
GO_LIVE = "C4"
TOP_RISKS = "C8"
NO_REASON = "with no reason given"  # CLOSE_DATE_MOVED in the sheet's mutual words
HISTORY = {"when": "A", "who": "B", "milestone": "C", "field": "D", "reason": "G"}


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    require_chromium()
    with serving(tmp_path_factory.mktemp("both-sides") / "data", log_name="both-sides") as running:
        yield running


@pytest.fixture(scope="module")
def browser(serve: Serving) -> Iterator[Any]:
    with chromium() as running:
        yield running


@contextmanager
def page_in(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in a context of its own (``locale``, ``timezone_id``: the seller's), with
    no script error allowed."""
    with page_without_errors(browser, **options) as page:
        yield page


# -- reading and typing in the preview ------------------------------------------------


def wait_for_value(page: Any, a1: str, want: str) -> str:
    """Until the cell shows ``want`` (the page follows the spreadsheet live); what it
    shows, for the assertion that follows."""
    from playwright.sync_api import TimeoutError as NotShown

    # On a timeout, the assertion that follows says what it shows instead.
    with suppress(NotShown):
        page.wait_for_function(
            "([a1, want]) => {"
            "  const td = document.querySelector(`#grid td[data-a1='${a1}']`);"
            "  return td && td.getAttribute('data-value') === want;"
            "}",
            arg=[a1, want],
            timeout=UPDATE_TIMEOUT_MS,
        )
    return text_of(page, a1) if cell(page, a1).count() else ""


def wait_until_cell(page: Any, a1: str, script: str) -> str:
    """Until ``script`` (a JS expression over ``v``, the cell's shown value) holds."""
    page.wait_for_function(
        "([a1, script]) => {"
        "  const td = document.querySelector(`#grid td[data-a1='${a1}']`);"
        "  if (!td) return false;"
        "  const v = td.getAttribute('data-value') || '';"
        "  return Function('v', 'return ' + script)(v);"
        "}",
        arg=[a1, script],
        timeout=UPDATE_TIMEOUT_MS,
    )
    return text_of(page, a1)


def type_into(page: Any, a1: str, text: str) -> None:
    """Double-click the cell, type, Enter: as in Sheets."""
    cell(page, a1).dblclick()
    editor = cell(page, a1).locator("input.editor")
    editor.fill(text)
    editor.press("Enter")


def choose_status(page: Any, row: int, status: str) -> None:
    before = text_of(page, f"G{row}")
    cell(page, f"G{row}").locator("select").select_option(status)
    wait_until_cell(page, f"G{row}", f"v !== {before!r}")


def open_tab(page: Any, title: str) -> None:
    page.locator(f'#tabs button[data-sheet-title="{title}"]').click()
    page.locator(f'#tabs button.current[data-sheet-title="{title}"]').wait_for()
    page.locator("#grid td[data-a1]").first.wait_for()


def act_as(page: Any, email: str) -> None:
    """Switch the preview's "Acting as" to ``email`` (someone the MAP is shared with)."""
    page.locator("#acting-as").select_option(email)
    page.wait_for_function(
        "email => document.getElementById('role').textContent.endsWith(' as ' + email)",
        arg=email,
        timeout=UPDATE_TIMEOUT_MS,
    )


def shown_rows(page: Any) -> dict[int, dict[str, str]]:
    """The current tab's rows as drawn: {row number: {column letter: shown value}}."""
    pairs: list[list[str]] = page.evaluate(
        "() => Array.from(document.querySelectorAll('#grid td[data-a1]'))"
        ".map(td => [td.getAttribute('data-a1'), td.getAttribute('data-value') || ''])"
    )
    rows: dict[int, dict[str, str]] = {}
    for a1, value in pairs:
        split = re.fullmatch(r"([A-Z]+)(\d+)", a1)
        assert split, a1
        rows.setdefault(int(split.group(2)), {})[split.group(1)] = value
    return rows


def plan_row(page: Any, side: str, nth: int = 0) -> tuple[int, str]:
    """The Plan tab's ``nth`` milestone row of ``side``: (row number, title)."""
    rows = shown_rows(page)
    found = [
        (n, row["B"])
        for n, row in sorted(rows.items())
        if n >= FIRST_MILESTONE_ROW and row.get("C") == side and row.get("B")
    ]
    return found[nth]


def history_rows(page: Any) -> list[dict[str, str]]:
    """The History tab's rows below its header, by the names in ``HISTORY``."""
    rows = shown_rows(page)
    return [
        {name: rows[n].get(letter, "") for name, letter in HISTORY.items()} | {"row": str(n)}
        for n in sorted(rows)
        if n > 1
    ]


def wait_for_history(page: Any, field: str, count: int) -> list[dict[str, str]]:
    """On the History tab: until ``count`` rows log ``field`` (each row is written whole,
    Who included, by one sync); those rows."""
    page.wait_for_function(
        "([field, count]) => Array.from(document.querySelectorAll(\"#grid td[data-a1^='D']\"))"
        ".filter(td => td.getAttribute('data-value') === field).length >= count",
        arg=[field, count],
        timeout=UPDATE_TIMEOUT_MS,
    )
    return [r for r in history_rows(page) if r["field"] == field]


def parse_shown(text: str) -> date:
    """A date as the Plan tab shows it, in either order."""
    for pattern in ("%b %d, %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise AssertionError(f"not a date as the sheet shows one: {text!r}")


def sidebar_after_refresh(page: Any) -> Any:
    """The Deal health sidebar, opened and then "Refresh now" clicked, as a seller does
    to see the MAP as of now; its frame once the refreshed view is drawn."""
    if page.locator("#sidebar").is_hidden():
        page.locator("#show-health").click()
    sidebar = page.frame_locator("#sidebar-frame")
    sidebar.locator("#health").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    sidebar.locator("#refresh:not([disabled])").click()
    sidebar.locator("#refresh:not([disabled])").wait_for(timeout=UPDATE_TIMEOUT_MS)
    sidebar.locator("#health").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    return sidebar


# -- the tests ---------------------------------------------------------------------------


def test_a_german_buyers_date_typed_day_first_is_that_day(serve: Serving, browser: Any) -> None:
    with page_in(browser, locale="de-DE", timezone_id="Europe/Berlin") as page:
        href = create_map_in_dialog(page, serve)
        page.goto(f"{href}?as={BUYER}")
        row = SECOND_MILESTONE_ROW
        cell(page, f"J{row}").wait_for()
        # The MAP took the seller's locale: its dates read day first.
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", text_of(page, GO_LIVE)), text_of(
            page, GO_LIVE
        )
        target = parse_shown(text_of(page, f"J{row}"))
        # A working day in Germany after the step's target, whose day (1 to 12) is not
        # its month: typed as 04.03.2027, read the American way it would be 3 April.
        german = BusinessCalendar.get("DE")
        day = next(
            d
            for d in (target + timedelta(days=n) for n in range(1, 120))
            if d.day <= 12 and d.day != d.month and german.is_business_day(d)
        )
        swapped = day.replace(month=day.day, day=day.month)

        type_into(page, f"F{row}", f"{day.day:02d}.{day.month:02d}.{day.year}")

        shown_target = wait_for_value(page, f"J{row}", shown(day, "de_DE"))
        assert shown_target == shown(day, "de_DE"), f"{shown_target}, not {shown(day, 'de_DE')}"
        assert shown_target != shown(swapped, "de_DE")
        assert parse_shown(text_of(page, f"F{row}")) == day, text_of(page, f"F{row}")
        assert "could not be read" not in text_of(page, f"M{row}")


def test_a_map_in_kiritimati_dates_its_weekly_review_with_kiritimatis_date(
    serve: Serving, browser: Any
) -> None:
    """Kiritimati is UTC+14: from 10:00 to midnight UTC its date is already tomorrow's in
    UTC (when this runs then, the review's date is not UTC's); before 10:00 UTC both
    agree, and the test still checks the review is dated with Kiritimati's date."""
    zone = ZoneInfo(KIRITIMATI)
    with page_in(browser, locale="en-US", timezone_id=KIRITIMATI) as page:
        href = create_map_in_dialog(page, serve)
        page.goto(f"{href}?as={BUYER}")
        cell(page, "C9").wait_for()
        assert text_of(page, "B9") == "Last review"
        before = datetime.now(zone).date()

        page.locator("#show-review").click()
        review = page.frame_locator("#sidebar-frame")
        review.locator("#review").wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
        after = datetime.now(zone).date()
        intro = review.locator("#intro").inner_text()
        # The review ran within [before, after]; midnight in Kiritimati may fall between.
        dated = [d for d in {before, after} if intro.startswith(f"Review of {shown(d)}")]
        assert dated, f"{intro!r}: not dated {before} in Kiritimati"
        (day,) = dated

        assert wait_for_value(page, "C9", shown(day)) == shown(day)  # Last review
        review.locator("#close").click()
        page.locator("#sidebar").wait_for(state="hidden")
        open_tab(page, "Reviews")
        assert text_of(page, "A2") == shown(day)  # a date cell, in the (en_US) sheet's order
        dates = {r.get("A", "") for n, r in shown_rows(page).items() if n > 1 and r.get("A")}
        assert dates == {shown(day)}, dates


def test_history_names_who_changed_what_without_a_trigger(serve: Serving, browser: Any) -> None:
    with page_in(browser, locale="en-US") as page:
        href = create_map_in_dialog(page, serve)
        spreadsheet_id = href.rstrip("/").rsplit("/", 1)[-1]
        page.goto(f"{href}?as={BUYER}")
        cell(page, f"G{FIRST_MILESTONE_ROW}").wait_for()
        assert not page.locator("#live-updates").is_checked(), "no trigger posts the edits"
        first_row, first_title = plan_row(page, "Buyer")
        second_row, second_title = plan_row(page, "Buyer", 1)
        seller_row, seller_title = plan_row(page, "Seller")

        # The buyer alone edits: History names them.
        choose_status(page, first_row, "In progress")
        open_tab(page, "History")
        (logged,) = wait_for_history(page, "Status", 1)
        assert (logged["milestone"], logged["who"]) == (first_title, BUYER)

        # The buyer and then the seller edit before the next sync reads the sheet (its
        # read waits until both have): Drive's revisions name both, so each change is
        # "probably" the one of its milestone's side.
        with Hold(serve.emulator_url, READ, spreadsheet_id) as hold:
            open_tab(page, "Plan")
            choose_status(page, second_row, "In progress")
            hold.wait_until_held()
            act_as(page, SELLER)
            choose_status(page, seller_row, "In progress")
        open_tab(page, "History")
        logged = wait_for_history(page, "Status", 3)
        who = {r["milestone"]: r["who"] for r in logged}
        assert who == {
            first_title: BUYER,
            second_title: f"probably {BUYER}",
            seller_title: f"probably {SELLER}",
        }, who


def test_a_reason_typed_later_in_history_clears_close_date_moved(
    serve: Serving, browser: Any
) -> None:
    with page_in(browser, locale="en-US") as page:
        href = create_map_in_dialog(page, serve)
        page.goto(f"{href}?as={SELLER}")
        cell(page, GO_LIVE).wait_for()
        committed = parse_shown(text_of(page, GO_LIVE))

        # The seller moves the committed go-live twice, with no reason given.
        for weeks in (1, 2):
            open_tab(page, "Plan")
            type_into(page, GO_LIVE, sheet_date(committed + timedelta(weeks=weeks)))
            open_tab(page, "History")
            moves = wait_for_history(page, "Committed Go-Live", weeks)
        first_move = int(moves[0]["row"])
        open_tab(page, "Plan")
        top_risks = wait_until_cell(page, TOP_RISKS, f"v.includes({NO_REASON!r})")
        assert "moved 2 times" in top_risks, top_risks
        sidebar = sidebar_after_refresh(page)
        assert "without a reason" in sidebar.locator("#risks").inner_text()
        page.locator("#hide-health").click()

        # Later the buyer writes down why the first move happened, in History's Reason.
        act_as(page, BUYER)
        open_tab(page, "History")
        reason = "Security review needs two more weeks"
        type_into(page, f"{HISTORY['reason']}{first_move}", reason)

        open_tab(page, "Plan")
        top_risks = wait_until_cell(page, TOP_RISKS, f"!v.includes({NO_REASON!r})")
        assert "moved" not in top_risks, top_risks
        act_as(page, SELLER)
        sidebar = sidebar_after_refresh(page)
        risks = sidebar.locator("#risks").inner_text()
        assert "without a reason" not in risks, risks
        open_tab(page, "History")
        rows = {int(r["row"]): r for r in history_rows(page)}
        assert rows[first_move]["reason"] == reason, "the reason stays as typed"
        assert [r["reason"] for n, r in rows.items() if n != first_move] == [""] * (len(rows) - 1)
