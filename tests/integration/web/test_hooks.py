"""Change notifications: the add-on's edit report and Drive push are acknowledged at
once, recorded, and synced in the background, coalesced per spreadsheet."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from emulator.testing import Hold
from service.store import Store
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import (
    BUYER,
    FIRST_STATUS_CELL,
    api_calls,
    create_map,
    edit_cell,
    report_edit,
)
from tests.integration.web.tokens import bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

READ = "sheets.spreadsheets.get"
WRITE = "sheets.spreadsheets.batchUpdate"


def wait_for_syncs(app: Flask) -> None:
    # A generous bound: a loaded machine is slow, not wrong.
    assert context(app).syncs.wait_idle(120), "background syncs did not finish"


def test_an_edit_report_is_acknowledged_with_202_recorded_and_synced_after(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)
    since = START - timedelta(minutes=5)

    response = report_edit(client, emulator.url, sid)

    assert response.status_code == 202
    assert response.get_json() == {"accepted": True}
    events = store.edit_events_since(sid, since)
    assert [(e.a1, e.value, e.user_email, e.sheet) for e in events] == [
        (FIRST_STATUS_CELL, "Done", BUYER, "Plan")
    ]
    wait_for_syncs(app)
    state = store.sync_state(sid)
    assert state is not None and not state.pending and state.last_error is None


def test_a_buyers_edit_reaches_the_history_with_the_buyer_as_its_author(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)

    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")
    assert report_edit(client, emulator.url, sid).status_code == 202
    wait_for_syncs(app)

    changes = [e for e in store.history(sid) if e.field == "status"]
    assert [(e.milestone_id, e.old, e.new, e.actor) for e in changes] == [
        ("m1", "Not started", "Done", BUYER)
    ]
    record = store.get_map(sid)
    assert record is not None and record.last_buyer_edit_on is not None


def test_a_burst_of_edit_reports_during_a_sync_causes_one_more_sync_not_one_each(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "In progress")
    reads_before = api_calls(emulator.url, sid).get(READ, 0)
    headers = bearer(emulator.url)
    with Hold(emulator.url, READ, sid) as hold:
        statuses = [report_edit(client, emulator.url, sid, headers=headers).status_code]
        hold.wait_until_held()  # the first report's sync is inside its read
        statuses += [
            report_edit(client, emulator.url, sid, headers=headers).status_code for _ in range(24)
        ]
        # Every report was answered while that read was still held: none waited for it.
        assert hold.held() == 1
    wait_for_syncs(app)

    assert statuses == [202] * 25
    reads = api_calls(emulator.url, sid).get(READ, 0) - reads_before
    # The reports are stamped the instant the first read began (the test clock stands
    # still), so the read may not have seen their edits: the one more sync reads again.
    assert reads == 2, f"{reads} reads for one burst"
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["In progress"]
    state = store.sync_state(sid)
    assert state is not None and not state.pending


def test_an_edit_report_for_a_spreadsheet_without_a_map_is_not_found(
    client: FlaskClient, store: Store, emulator: Any
) -> None:
    response = report_edit(client, emulator.url, "1NoSuchSpreadsheet")

    assert response.status_code == 404


def save_channel(store: Store, spreadsheet_id: str, token: str = "channel-secret") -> str:
    channel_id = f"test-channel-{spreadsheet_id[-8:]}"
    store.save_channel(
        channel_id=channel_id,
        spreadsheet_id=spreadsheet_id,
        resource_id="resource-1",
        token=token,
        expiration=START + timedelta(hours=12),
    )
    return channel_id


def drive_notification(client: FlaskClient, channel_id: str, state: str, token: str) -> Any:
    return client.post(
        "/hooks/drive",
        headers={
            "X-Goog-Channel-ID": channel_id,
            "X-Goog-Channel-Token": token,
            "X-Goog-Resource-State": state,
            "X-Goog-Message-Number": "2",
        },
    )


def test_drives_sync_message_is_acknowledged_without_a_sync(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)
    channel_id = save_channel(store, sid)
    state_before = store.sync_state(sid)
    calls_before = api_calls(emulator.url, sid)

    response = drive_notification(client, channel_id, "sync", "channel-secret")
    wait_for_syncs(app)

    assert response.status_code == 200
    assert response.get_json() == {"accepted": True}
    assert store.sync_state(sid) == state_before
    assert api_calls(emulator.url, sid) == calls_before


def test_a_drive_change_notification_syncs_the_map_in_the_background(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)
    channel_id = save_channel(store, sid)
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Blocked")

    response = drive_notification(client, channel_id, "update", "channel-secret")
    wait_for_syncs(app)

    assert response.status_code == 200
    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Blocked"]
    state = store.sync_state(sid)
    assert state is not None and not state.pending


def test_a_drive_notification_ahead_of_the_add_on_trigger_still_credits_the_editor(
    app: Flask, client: FlaskClient, store: Store, emulator: Any
) -> None:
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)
    channel_id = save_channel(store, sid)
    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")

    # Drive's notification comes first; the trigger's report, naming the editor, a
    # moment later (Drive does not say who edited), while the sync reads the sheet.
    with Hold(emulator.url, READ, sid) as hold:
        assert drive_notification(client, channel_id, "update", "channel-secret").status_code == 200
        assert report_edit(client, emulator.url, sid).status_code == 202
        hold.wait_until_held()
    wait_for_syncs(app)

    changes = [e for e in store.history(sid) if e.field == "status"]
    assert [(e.new, e.actor) for e in changes] == [("Done", BUYER)]


def test_with_sync_processes_a_buyers_edit_is_synced_in_another_process(
    make_app: Any, emulator: Any
) -> None:
    app = make_app(sync_processes=1)
    client = app.test_client()
    store = context(app).backend.store
    sid = create_map(client, emulator.url)["spreadsheet_id"]
    wait_for_syncs(app)

    edit_cell(emulator.url, sid, FIRST_STATUS_CELL, "Done")
    assert report_edit(client, emulator.url, sid).status_code == 202
    wait_for_syncs(app)

    assert [e.new for e in store.history(sid) if e.field == "status"] == ["Done"]
    state = store.sync_state(sid)
    assert state is not None and not state.pending
    assert context(app).syncs.completed >= 1 and context(app).syncs.failed == 0


def test_when_the_sync_queue_is_full_the_notification_is_left_pending_for_the_sweep(
    make_app: Any, emulator: Any
) -> None:
    app = make_app(sync_workers=1, sync_queue_size=1)
    client = app.test_client()
    store = context(app).backend.store
    busy, queued, overflow = (create_map(client, emulator.url)["spreadsheet_id"] for _ in "abc")
    wait_for_syncs(app)
    headers = bearer(emulator.url)
    with Hold(emulator.url, READ, busy) as hold:
        report_edit(client, emulator.url, busy, headers=headers)
        hold.wait_until_held()  # the only worker is now inside the held read
        report_edit(client, emulator.url, queued, headers=headers)
        response = report_edit(client, emulator.url, overflow, headers=headers)
        state = store.sync_state(overflow)
    wait_for_syncs(app)

    assert response.status_code == 202
    assert state is not None and state.pending
    swept = client.post("/tasks/sweep", headers={"X-Appengine-Cron": "true"})
    assert swept.get_json()["queued"] >= 1
    assert context(app).sweeps.wait_idle(120)
    after = store.sync_state(overflow)
    assert after is not None and not after.pending


def test_the_in_process_sweep_answers_at_once_and_queues_each_map_once(
    make_app: Any, emulator: Any
) -> None:
    app = make_app()
    client = app.test_client()
    store = context(app).backend.store
    first, second = sorted(create_map(client, emulator.url)["spreadsheet_id"] for _ in "ab")
    wait_for_syncs(app)
    for sid in (first, second):
        store.request_sync(sid)  # notifications whose workers died before they synced
    sweeps = context(app).sweeps
    cron = {"X-Appengine-Cron": "true"}
    with Hold(emulator.url, READ, first) as hold:
        swept = client.post("/tasks/sweep", headers=cron)
        hold.wait_until_held()  # the sweep's one thread is inside the first MAP's read
        again = client.post("/tasks/sweep", headers=cron)

    assert swept.get_json() == {"queued": 2, "already_queued": 0, "failed": []}
    # The second MAP still waits: not queued twice. (The first, being synced, may be
    # queued again: it has never been synced before, so it is due; the lease makes that
    # run find nothing to do or one more change.)
    counts = again.get_json()
    assert counts["already_queued"] == 1 and counts["queued"] <= 1 and not counts["failed"]
    assert sweeps.wait_idle(120)
    for sid in (first, second):
        state = store.sync_state(sid)
        assert state is not None and not state.pending
