from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from service.store import (
    HistorySource,
    MapNotFound,
    NewHistoryEvent,
    Store,
    history_dedupe_key,
)
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock


def _event(spreadsheet_id: str, field: str, old: str | None, new: str | None) -> NewHistoryEvent:
    return NewHistoryEvent(
        spreadsheet_id=spreadsheet_id,
        on=date(2026, 11, 23),
        field=field,
        old=old,
        new=new,
        source=HistorySource.SYNC,
        dedupe_key=history_dedupe_key(spreadsheet_id, 4, "m3", field, old, new),
        actor="dana@acme.example",
        milestone_id="m3",
        reason="",
    )


def test_appended_events_read_back_in_order(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    status = _event("sheet-1", "status", "In progress", "Done")
    due = _event("sheet-1", "due", None, "2027-01-15")

    inserted = clocked_store.append_history([status, due])

    assert [(e.field, e.old, e.new) for e in inserted] == [
        ("status", "In progress", "Done"),
        ("due", None, "2027-01-15"),
    ]
    assert clocked_store.history("sheet-1") == inserted
    first = inserted[0]
    assert first.at == clock.now and first.on == date(2026, 11, 23)
    assert first.actor == "dana@acme.example" and first.milestone_id == "m3"
    assert first.source is HistorySource.SYNC
    assert first.dedupe_key == status.dedupe_key


def test_the_same_change_is_recorded_once(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    status = _event("sheet-1", "status", "In progress", "Done")
    owner = _event("sheet-1", "owner", "", "Dana Lee")

    first = store.append_history([status])
    again = store.append_history([status, owner, owner])

    assert [e.field for e in first] == ["status"]
    assert [e.field for e in again] == ["owner"]
    assert [e.field for e in store.history("sheet-1")] == ["status", "owner"]


def test_the_same_change_on_two_maps_is_two_events(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    make_map(store, spreadsheet_id="sheet-2")
    shared_key = "the-same-key"
    events = [
        NewHistoryEvent(
            spreadsheet_id=sid,
            on=date(2026, 11, 23),
            field="status",
            old=None,
            new="Done",
            source=HistorySource.HOOK,
            dedupe_key=shared_key,
        )
        for sid in ("sheet-1", "sheet-2")
    ]

    assert len(store.append_history(events)) == 2


def test_two_writers_appending_the_same_changes_record_each_once(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    events = [_event("sheet-1", f"field{n}", None, str(n)) for n in range(40)]
    start = threading.Barrier(4)
    inserted: list[int] = []
    lock = threading.Lock()

    def append() -> None:
        start.wait()
        got = store.append_history(events)
        with lock:
            inserted.append(len(got))

    threads = [threading.Thread(target=append) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(inserted) == 40
    assert len(store.history("sheet-1")) == 40


def test_history_since_gives_the_events_at_or_after_a_moment(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    clocked_store.append_history([_event("sheet-1", "status", None, "In progress")])
    middle = clock.advance(hours=1)
    clocked_store.append_history([_event("sheet-1", "status", "In progress", "Done")])
    clock.advance(hours=1)
    clocked_store.append_history([_event("sheet-1", "notes", None, "signed")])

    since = clocked_store.history("sheet-1", since=middle)

    assert [e.new for e in since] == ["Done", "signed"]
    assert clocked_store.history("sheet-1", since=clock.now + timedelta(seconds=1)) == []


def test_an_event_may_carry_its_own_time(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    earlier = clock.now - timedelta(days=2)
    event = NewHistoryEvent(
        spreadsheet_id="sheet-1",
        on=earlier.date(),
        field="go_live",
        old="2027-03-31",
        new="2027-04-30",
        source=HistorySource.REVIEW,
        dedupe_key="k",
        reason="Buyer moved the launch",
        at=earlier,
    )

    (stored,) = clocked_store.append_history([event])

    assert stored.at == earlier
    assert stored.reason == "Buyer moved the launch"


def test_appending_nothing_records_nothing(store: Store) -> None:
    assert store.append_history([]) == []


def test_a_syncs_record_adds_each_change_once_without_reading_it_back(store: Store) -> None:
    """``record_history`` (a sync's record: no rows returned) lands what
    ``append_history`` would, skips what is already there, and refuses an unknown MAP."""
    make_map(store, spreadsheet_id="sheet-1")
    status = _event("sheet-1", "status", "In progress", "Done")
    owner = _event("sheet-1", "owner", "", "Dana Lee")
    store.append_history([status])

    assert store.record_history([status, owner, owner]) is None

    assert [(e.field, e.new) for e in store.history("sheet-1")] == [
        ("status", "Done"),
        ("owner", "Dana Lee"),
    ]
    assert store.append_history([owner]) == []
    with pytest.raises(MapNotFound):
        store.record_history([_event("nope", "status", None, "Done")])


def test_history_of_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound) as raised:
        store.append_history([_event("nope", "status", None, "Done")])

    assert raised.value.spreadsheet_id == "nope"


def test_dedupe_keys_are_stable_and_tell_changes_apart() -> None:
    assert history_dedupe_key("s", 3, "m1", "status", None, "Done") == history_dedupe_key(
        "s", 3, "m1", "status", None, "Done"
    )
    assert history_dedupe_key("s", 3, "m1", "status", None, "Done") != history_dedupe_key(
        "s", 3, "m1", "status", "", "Done"
    )


def test_dedupe_keys_are_those_an_earlier_version_made() -> None:
    """The keys were first made from ``json.dumps(default=str)``: a sync redone by this
    version from a write an earlier one left pending gives its changes the same keys."""
    import hashlib
    import json
    from dataclasses import dataclass
    from datetime import UTC, date, datetime

    from service.domain.model import Side, Status

    @dataclass
    class Part:
        text: str

    cases = [
        ("s", 3, "m1", "status", None, "Done"),
        ("s", "token", {"title": "Étude · 北京", "due": "2027-03-04", "ids": [1, 2]}, "m9"),
        ("s", date(2027, 3, 4), datetime(2026, 11, 23, 15, 0, tzinfo=UTC), 0.35, True),
        ("s", Side.BUYER, Status.DONE, Part("x"), {"nested": [None, False, -7, 2.5]}),
    ]
    for parts in cases:
        earlier = json.dumps(parts, default=str, separators=(",", ":"), ensure_ascii=False)
        assert history_dedupe_key(*parts) == hashlib.sha256(earlier.encode()).hexdigest()


def test_a_long_list_of_changes_is_recorded_in_full(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    events = [_event("sheet-1", f"field{n}", None, str(n)) for n in range(1234)]

    inserted = store.append_history(events)

    assert [e.new for e in inserted] == [str(n) for n in range(1234)]
    assert len(store.history("sheet-1")) == 1234
