"""The in-process queue meets Google's quota: a sync refused with 429 spends the
minute's budget (nobody asks Google again this minute), is scheduled again for when the
minute has passed, and goes through then, instead of waiting for the hourly sweep."""

from __future__ import annotations

from typing import Any

from emulator.testing import wait_for
from service.clock import Clock
from tests.integration.web.conftest import context
from tests.integration.web.flows import create_map, edit_cell, read_range, report_edit
from tests.integration.web.quota_flows import quotas, read_as

FIRST_COMPUTED = "Plan!J13:M13"


def test_a_sync_refused_by_the_quota_is_queued_again_and_goes_through_later(
    make_app: Any, emulator: Any, clock: Clock
) -> None:
    app = make_app(sync_quota_retry_s=0.2)
    client = app.test_client()
    store = context(app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    assert context(app).syncs.wait_idle(120)
    before = read_range(emulator.url, sid, FIRST_COMPUTED)
    # One read a minute per user, and the backend's account has just spent it.
    quotas(emulator.url, "PUT", json={"read_per_user": 1})
    read_as(emulator.url, context(app).settings.service_account_email, sid)
    edit_cell(emulator.url, sid, "G13", "Blocked")
    assert report_edit(client, emulator.url, sid, value="Blocked").status_code == 202

    # One refusal: the 429 is not tried again at once, the budget is spent for the
    # minute and the sync is scheduled for when it is back.
    wait_for(lambda: quotas(emulator.url, "GET")["refused"] >= 1, what="the read refused")
    wait_for(
        lambda: "RateLimited" in (getattr(store.sync_state(sid), "last_error", "") or ""),
        what="the refusal recorded",
    )
    state = store.sync_state(sid)
    assert state is not None and state.pending
    assert quotas(emulator.url, "GET")["refused"] == 1

    clock.advance(seconds=62)  # a new minute: the quota and the budget are back

    def settled() -> bool:
        now = store.sync_state(sid)
        return now is not None and not now.pending and now.last_error is None

    wait_for(settled, what="the sync went through")
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"]
    quotas(emulator.url, "DELETE")
    assert read_range(emulator.url, sid, FIRST_COMPUTED) != before
