from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from service.store import MapNotFound, Store
from service.store.records import Snapshot
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock


def _save(store: Store, spreadsheet_id: str, n: int) -> None:
    store.save_snapshot(
        spreadsheet_id,
        plan={"account": "Acme", "n": n},
        computed={"slip_bd": n},
        sheet_state={"rows": {"m1": 5}, "written": [["F5", f"2027-01-0{n % 9 + 1}"]]},
    )


def test_a_map_without_snapshots_has_no_latest(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    assert store.latest_snapshot("sheet-1") is None
    assert store.snapshots("sheet-1") == []


def test_save_snapshot_numbers_versions_and_keeps_the_documents(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    plan = {"account": "Acme", "milestones": [{"id": "m1", "due": None, "lead_bd": 5}]}

    first = clocked_store.save_snapshot(
        "sheet-1", plan=plan, computed={"slip_bd": 0}, sheet_state={"layout": {"first_row": 12}}
    )
    clock.advance(minutes=5)
    second = clocked_store.save_snapshot(
        "sheet-1", plan=plan, computed={"slip_bd": 2}, sheet_state={"layout": {"first_row": 12}}
    )

    assert (first.version, second.version) == (1, 2)
    assert clocked_store.latest_snapshot("sheet-1") == second
    assert second.plan == plan
    assert second.computed == {"slip_bd": 2}
    assert second.sheet_state == {"layout": {"first_row": 12}}
    assert second.taken_at == clock.now


def test_only_the_last_few_snapshots_are_kept(make_store: Callable[..., Store]) -> None:
    store = make_store(snapshots_kept=3)
    make_map(store, spreadsheet_id="sheet-1")

    for n in range(1, 8):
        _save(store, "sheet-1", n)

    assert [s.version for s in store.snapshots("sheet-1")] == [7, 6, 5]


def test_snapshots_of_one_map_leave_another_alone(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    make_map(store, spreadsheet_id="sheet-2")

    _save(store, "sheet-1", 1)
    _save(store, "sheet-1", 2)
    _save(store, "sheet-2", 1)

    latest = store.latest_snapshot("sheet-2")
    assert latest is not None and latest.version == 1
    assert [s.version for s in store.snapshots("sheet-1")] == [2, 1]


def test_a_snapshot_of_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        _save(store, "nope", 1)


def test_concurrent_saves_get_consecutive_versions(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    start = threading.Barrier(6)

    def save(n: int) -> None:
        start.wait()
        _save(store, "sheet-1", n)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [s.version for s in store.snapshots("sheet-1")] == [6, 5, 4, 3, 2]


def test_the_latest_snapshot_is_sent_whole_unless_the_caller_holds_its_stamp(
    store: Store,
) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    assert store.latest_snapshot_unless("sheet-1", None) is None
    _save(store, "sheet-1", 1)
    first = store.latest_snapshot("sheet-1")
    assert first is not None and first.stamp

    # Held: only the stamp comes back.
    assert store.latest_snapshot_unless("sheet-1", first.stamp) == first.stamp
    # Not held (no stamp, or another one): the snapshot, whole.
    assert store.latest_snapshot_unless("sheet-1", None) == first
    assert store.latest_snapshot_unless("sheet-1", "0" * 32) == first

    _save(store, "sheet-1", 2)  # as another instance would
    second = store.latest_snapshot_unless("sheet-1", first.stamp)
    assert isinstance(second, Snapshot)
    assert (second.version, second.plan["n"]) == (2, 2)
    assert second.stamp not in (None, first.stamp)


def test_saving_the_same_documents_again_gives_a_new_stamp(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    stamps = {store.save_snapshot("sheet-1", plan={}, computed={}, sheet_state={}).stamp}
    stamps.add(store.save_snapshot("sheet-1", plan={}, computed={}, sheet_state={}).stamp)
    assert len(stamps) == 2 and None not in stamps
