"""``Store.transaction``: several operations recorded together or not at all."""

from __future__ import annotations

import pytest

from service.store import Store
from service.store.counting import count_store
from service.store.history import history_dedupe_key
from service.store.records import HistorySource, NewHistoryEvent
from tests.clock import START
from tests.db_fixtures import make_map


def _event(spreadsheet_id: str) -> NewHistoryEvent:
    return NewHistoryEvent(
        spreadsheet_id=spreadsheet_id,
        on=START.date(),
        field="status",
        old="Not started",
        new="Done",
        source=HistorySource.SYNC,
        dedupe_key=history_dedupe_key(spreadsheet_id, "m1", "status"),
        milestone_id="m1",
    )


def _save(store: Store, spreadsheet_id: str) -> None:
    store.save_snapshot(spreadsheet_id, plan={"n": 1}, computed={}, sheet_state={})


def test_an_error_inside_a_transaction_records_none_of_it(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    with pytest.raises(RuntimeError), store.transaction():
        store.append_history([_event(sid)])
        _save(store, sid)
        assert store.latest_snapshot(sid) is not None  # seen inside the transaction
        raise RuntimeError("the connection went away")
    assert store.history(sid) == []
    assert store.latest_snapshot(sid) is None


def test_a_transaction_records_all_of_it_and_nested_blocks_join_it(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    with store.transaction():
        store.append_history([_event(sid)])
        with store.transaction():
            _save(store, sid)
    assert [e.new for e in store.history(sid)] == ["Done"]
    assert store.latest_snapshot(sid) is not None


def test_a_map_registered_and_given_its_first_snapshot_in_one_transaction_is_kept_whole(
    store: Store,
) -> None:
    # Registering goes through the ORM (its row added and flushed), the snapshot through
    # a Core statement on the same transaction, which must see that row (its foreign key).
    with store.transaction():
        sid = make_map(store).spreadsheet_id
        _save(store, sid)
        store.update_map(sid, account="Acme Corporation")
    record = store.get_map(sid)
    assert record is not None and record.account == "Acme Corporation"
    assert store.latest_snapshot(sid) is not None


def test_a_map_registered_in_a_transaction_that_fails_is_not_kept(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        sid = make_map(store).spreadsheet_id
        _save(store, sid)
        raise RuntimeError("the process is stopping")
    assert store.get_map(sid) is None
    assert store.latest_snapshot(sid) is None


def test_reads_inside_reading_share_one_read_only_transaction(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    _save(store, sid)
    with count_store(store) as counts, store.reading():
        record = store.get_map(sid)
        snapshot = store.latest_snapshot(sid)
        events = store.edit_events_since(sid, START)
    assert record is not None and snapshot is not None and events == []
    assert (counts.read_transactions, counts.write_transactions) == (1, 0)
    assert counts.statements == 3


def test_a_write_inside_reading_is_refused_and_records_nothing(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    with pytest.raises(RuntimeError, match="reading"), store.reading():
        _save(store, sid)
    assert store.latest_snapshot(sid) is None


def test_reading_inside_a_transaction_joins_it(store: Store) -> None:
    sid = make_map(store).spreadsheet_id
    with count_store(store) as counts, store.transaction():
        _save(store, sid)
        with store.reading():
            assert store.latest_snapshot(sid) is not None  # sees the transaction's write
    assert (counts.read_transactions, counts.write_transactions) == (0, 1)
