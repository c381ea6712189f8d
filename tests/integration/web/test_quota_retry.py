"""The in-process queue meets Google's quota: a sync refused with 429 (after the
client's and the sync's own retries) is queued again a while later, and goes through
once the minute has passed, instead of waiting for the hourly sweep."""

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

    # One sync tries 4 times, each read tried twice by the client: past 8 refusals, the
    # queue has run it again.
    wait_for(lambda: quotas(emulator.url, "GET")["refused"] > 8, what="a second round")
    state = store.sync_state(sid)
    assert state is not None and state.pending

    clock.advance(seconds=61)  # a new minute: the quota is back

    def settled() -> bool:
        now = store.sync_state(sid)
        return now is not None and not now.pending and now.last_error is None

    wait_for(settled, what="the sync went through")
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"]
    quotas(emulator.url, "DELETE")
    assert read_range(emulator.url, sid, FIRST_COMPUTED) != before
