"""Refresh is not paced (someone waits for it) but takes its units of the shared Sheets
budget like every other call of the service account: with the minute's reads spent it
answers 429 with when to try again, without asking Google."""

from __future__ import annotations

from typing import Any

from tests.integration.web.conftest import context
from tests.integration.web.flows import api_calls, create_map
from tests.integration.web.tokens import bearer

READ = "sheets.spreadsheets.get"


def test_a_refresh_past_the_budget_is_429_with_retry_after_and_google_is_not_asked(
    make_app: Any, emulator: Any
) -> None:
    app = make_app(sheets_reads_per_minute=2)
    client = app.test_client()
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    assert context(app).syncs.wait_idle(120)
    headers = bearer(emulator.url)

    answers = [client.post(f"/api/maps/{sid}/refresh", headers=headers) for _ in range(3)]
    statuses = [a.status_code for a in answers]
    assert 200 in statuses and statuses[-1] == 429, statuses
    first_refused = statuses.index(429)
    reads = api_calls(emulator.url, sid).get(READ, 0)
    refused = client.post(f"/api/maps/{sid}/refresh", headers=headers)

    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert api_calls(emulator.url, sid).get(READ, 0) == reads  # Google was not asked
    assert all(a.status_code == 200 for a in answers[:first_refused])
