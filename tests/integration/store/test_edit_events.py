from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from service.store import MapNotFound, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock


def test_an_edit_event_reads_back(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    edited_at = clock.now - timedelta(seconds=3)

    recorded = clocked_store.record_edit_event(
        spreadsheet_id="sheet-1",
        sheet="Plan",
        a1="G14",
        user_email="dana@acme.example",
        value="Done",
        old_value="In progress",
        ts=edited_at,
    )

    assert clocked_store.edit_events_since("sheet-1", edited_at) == [recorded]
    assert (recorded.a1, recorded.value, recorded.old_value) == ("G14", "Done", "In progress")
    assert recorded.ts == edited_at and recorded.received_at == clock.now


def test_an_edit_by_an_unnamed_editor_has_no_email(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    recorded = store.record_edit_event(
        spreadsheet_id="sheet-1", a1="B3", ts=FakeClock().now, value="=1+1"
    )

    assert recorded.user_email == "" and recorded.old_value is None
    assert recorded.value == "=1+1"


def test_edit_events_since_gives_that_maps_edits_at_or_after_a_moment(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    make_map(clocked_store, spreadsheet_id="sheet-2")
    start = clock.now
    for minutes, a1 in [(0, "A1"), (2, "A3"), (1, "A2")]:
        clocked_store.record_edit_event(
            spreadsheet_id="sheet-1", a1=a1, ts=start + timedelta(minutes=minutes)
        )
    clocked_store.record_edit_event(spreadsheet_id="sheet-2", a1="Z9", ts=start)

    since = clocked_store.edit_events_since("sheet-1", start + timedelta(minutes=1))

    assert [e.a1 for e in since] == ["A2", "A3"]


def test_recording_an_edit_drops_that_maps_events_past_the_retention(
    make_store: Callable[..., Store], clock: FakeClock
) -> None:
    store = make_store(clock=clock, edit_event_retention=timedelta(hours=1))
    make_map(store, spreadsheet_id="sheet-1")
    make_map(store, spreadsheet_id="sheet-2")
    start = clock.now
    store.record_edit_event(spreadsheet_id="sheet-1", a1="A1", ts=start)
    store.record_edit_event(spreadsheet_id="sheet-2", a1="B1", ts=start)

    clock.advance(hours=2)
    store.record_edit_event(spreadsheet_id="sheet-1", a1="A2", ts=clock.now)

    assert [e.a1 for e in store.edit_events_since("sheet-1", start)] == ["A2"]
    assert [e.a1 for e in store.edit_events_since("sheet-2", start)] == ["B1"]


def test_pruning_drops_every_maps_old_events(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    make_map(clocked_store, spreadsheet_id="sheet-2")
    start = clock.now
    clocked_store.record_edit_event(spreadsheet_id="sheet-1", a1="A1", ts=start)
    clocked_store.record_edit_event(spreadsheet_id="sheet-2", a1="B1", ts=start)
    cutoff = clock.advance(hours=1)
    clocked_store.record_edit_event(spreadsheet_id="sheet-2", a1="B2", ts=cutoff)

    assert clocked_store.prune_edit_events(cutoff) == 2
    assert clocked_store.edit_events_since("sheet-1", start) == []
    assert [e.a1 for e in clocked_store.edit_events_since("sheet-2", start)] == ["B2"]


def test_an_edit_of_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        store.record_edit_event(spreadsheet_id="nope", a1="A1", ts=FakeClock().now)


def test_an_edit_and_its_notification_are_recorded_together(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    first = clocked_store.record_edit_and_request_sync(
        spreadsheet_id="sheet-1",
        a1="G14",
        ts=clock.now,
        sheet="Plan",
        user_email="dana@acme.example",
    )
    clock.advance(seconds=1)
    second = clocked_store.record_edit_and_request_sync(
        spreadsheet_id="sheet-1", a1="F15", ts=clock.now
    )
    assert (first.generation, second.generation) == (1, 2)
    # The second is covered by the look the first asked for.
    assert (first.needs_look, second.needs_look) == (True, False)
    state = clocked_store.sync_state("sheet-1")
    assert state is not None and state.requested == 2 and state.pending
    events = clocked_store.edit_events_since("sheet-1", clock.now - timedelta(seconds=1))
    assert [(e.a1, e.user_email) for e in events] == [("G14", "dana@acme.example"), ("F15", "")]


def test_a_reported_edit_reads_back_with_every_field(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    edited_at = clock.now - timedelta(seconds=3)

    clocked_store.record_edit_and_request_sync(
        spreadsheet_id="sheet-1",
        sheet="Plan",
        a1="G14",
        ts=edited_at,
        user_email="dana@acme.example",
        value="=Done",
        old_value="In progress",
    )

    [event] = clocked_store.edit_events_since("sheet-1", edited_at)
    assert (event.sheet, event.a1, event.user_email) == ("Plan", "G14", "dana@acme.example")
    assert (event.value, event.old_value) == ("=Done", "In progress")
    assert event.ts == edited_at and event.received_at == clock.now
    state = clocked_store.sync_state("sheet-1")
    assert state is not None and state.first_pending_at == state.last_notified_at == clock.now


def test_an_edit_for_an_unknown_map_records_nothing(clocked_store: Store, clock: FakeClock) -> None:
    with pytest.raises(MapNotFound):
        clocked_store.record_edit_and_request_sync(spreadsheet_id="nope", a1="A1", ts=clock.now)
    assert clocked_store.sync_state("nope") is None
    with clocked_store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM edit_events").scalar() == 0


def test_an_edit_reported_inside_a_transaction_joins_it(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")

    with pytest.raises(RuntimeError, match="rolled back"), clocked_store.transaction():
        clocked_store.record_edit_and_request_sync(spreadsheet_id="sheet-1", a1="A1", ts=clock.now)
        clocked_store.request_sync("sheet-1")
        raise RuntimeError("rolled back")
    with pytest.raises(RuntimeError, match="a store write inside"), clocked_store.reading():
        clocked_store.record_edit_and_request_sync(spreadsheet_id="sheet-1", a1="A1", ts=clock.now)

    assert clocked_store.sync_state("sheet-1") is None
    assert clocked_store.edit_events_since("sheet-1", clock.now - timedelta(days=1)) == []
