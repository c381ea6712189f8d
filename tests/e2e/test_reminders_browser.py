"""Reminders in local mode, in real Chromium: ``serve`` sends a reminder through its
own SMTP server, the Outbox page shows it as the owner receives it, and its "Done"
link, confirmed on the page it opens, changes the sheet and History."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.clock import real_today
from tests.e2e.browser import chromium, new_context, require_chromium
from tests.e2e.browser_stack import Serving, eventually, serving
from tests.integration.web.flows import edit_cell, read_range
from tests.integration.web.tokens import CRON_ACCOUNT, id_token

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BUYER = "wendy@initech.example"
OWNER = "Wendy Buyer <wendy@initech.example>"
FIRST_ROW = 13  # the first milestone's row in a new MAP


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    require_chromium()
    # Whole programs keep real time: send whatever the hour, so the test does not
    # depend on when it runs.
    settings = {"MAP_REMINDER_WORKING_HOURS": "false"}
    data = tmp_path_factory.mktemp("reminders") / "data"
    with serving(data, settings=settings) as running:
        yield running


@pytest.fixture
def page(serve: Serving) -> Iterator[Any]:
    with chromium() as browser:
        context = new_context(browser, viewport={"width": 1200, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        context.close()
        assert not errors, f"script errors in the page: {errors}"


def _map_with_a_step_due_today(serve: Serving) -> str:
    body = {
        "template": "simple-close-plan",
        "account": "Initech",
        "go_live": (real_today() + timedelta(days=120)).isoformat(),
        "buyers": [{"name": "Wendy Buyer", "email": BUYER}],
        "country": "US",
    }
    sid = str(serve.api("POST", "/api/maps", json=body)["spreadsheet_id"])
    edit_cell(serve.emulator_url, sid, f"D{FIRST_ROW}", OWNER, as_user=BUYER)
    edit_cell(serve.emulator_url, sid, f"F{FIRST_ROW}", real_today().isoformat(), as_user=BUYER)
    serve.api("POST", f"/api/maps/{sid}/refresh")
    return sid


def _run_cron(serve: Serving) -> dict[str, int]:
    token = id_token(serve.emulator_url, CRON_ACCOUNT, audience=serve.backend_url)
    with requests.Session() as session:
        response = session.post(
            f"{serve.backend_url}/tasks/reminders",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
    assert response.ok, response.text
    counts: dict[str, int] = response.json()
    return counts


def _history(serve: Serving, sid: str) -> list[list[str]]:
    rows: list[list[str]] = read_range(serve.emulator_url, sid, "History!A1:H50", as_user=BUYER)
    return rows


def test_the_done_link_in_a_received_reminder_changes_the_sheet_and_history(
    serve: Serving, page: Any
) -> None:
    sid = _map_with_a_step_due_today(serve)
    counts = _run_cron(serve)
    assert counts["messages"] >= 1 and counts["sent"] >= 1, counts

    page.goto(f"{serve.backend_url}/local/outbox")
    page.get_by_role("link", name="Initech plan: 1 step to update").first.click()
    page.get_by_role("link", name="Open the plan").wait_for()
    assert "Pricing proposal review" in page.content()
    page.get_by_role("link", name="Done").first.click()
    page.get_by_role("button", name="Done: confirm").wait_for()
    done_url = page.url
    assert read_range(serve.emulator_url, sid, f"Plan!G{FIRST_ROW}", as_user=BUYER) == [
        ["Not started"]
    ]

    page.get_by_role("button", name="Done: confirm").click()
    page.get_by_text("Thank you: the plan is updated").wait_for()
    assert page.locator("#projected").inner_text()
    assert read_range(serve.emulator_url, sid, f"Plan!G{FIRST_ROW}", as_user=BUYER) == [["Done"]]
    history = eventually(
        lambda: [r for r in _history(serve, sid) if len(r) > 5 and r[3] == "Status"], 60
    )
    assert history, _history(serve, sid)
    assert history[-1][1] == f"{BUYER} via email" and history[-1][5] == "Done"

    # The same link again: used, a clear page, nothing changed.
    response = page.goto(done_url)
    assert response.status == 410
    assert "used already" in page.content()
