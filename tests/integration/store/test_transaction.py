"""``Store.transaction``: several operations recorded together or not at all."""

from __future__ import annotations

import pytest

from service.store import Store
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
