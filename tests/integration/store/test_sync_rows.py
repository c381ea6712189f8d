"""A sync's load in one statement (``Store.sync_rows``): the MAP's record, its latest
snapshot (the stamp alone when the caller holds it) and its organisation's calibration,
the same as the three reads it stands for, on SQLite and PostgreSQL."""

from __future__ import annotations

from service.store import Store
from service.store.counting import count_store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock
from tests.integration.store.test_calibrations import CALIBRATION


def _save(store: Store, spreadsheet_id: str, n: int) -> str:
    return (
        store.save_snapshot(
            spreadsheet_id,
            plan={"account": "Acme", "n": n},
            computed={"slip_bd": n},
            sheet_state={"rows": [{"row": 12, "id": "m1"}], "n": n},
        ).stamp
        or ""
    )


def test_the_rows_of_a_map_are_those_the_three_reads_give(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1", org="Vendor.Example")
    make_map(store, spreadsheet_id="sheet-2", org="other.example")
    for n in range(1, 4):
        _save(store, "sheet-1", n)
    _save(store, "sheet-2", 9)
    store.save_calibration("vendor.example", plans=2, calibration=CALIBRATION)

    with count_store(store) as counts:
        rows = store.sync_rows("sheet-1", None)
    assert counts.statements == 1
    assert rows is not None
    assert rows.record == store.get_map("sheet-1")
    assert rows.snapshot == store.latest_snapshot("sheet-1")
    assert rows.snapshot is not None and not isinstance(rows.snapshot, str)
    assert (rows.snapshot.version, rows.snapshot.plan["n"]) == (3, 3)
    assert rows.calibration == store.get_calibration("vendor.example")

    other = store.sync_rows("sheet-2", None)
    assert other is not None and other.calibration is None
    assert other.snapshot == store.latest_snapshot("sheet-2")


def test_the_snapshot_held_comes_back_as_its_stamp_alone(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    first = _save(store, "sheet-1", 1)
    latest = _save(store, "sheet-1", 2)

    held = store.sync_rows("sheet-1", latest)
    assert held is not None and held.snapshot == latest
    # A stamp that is not the latest's (another process saved since): the whole latest.
    stale = store.sync_rows("sheet-1", first)
    assert stale is not None and stale.snapshot == store.latest_snapshot("sheet-1")


def test_a_map_without_snapshots_or_no_map_at_all(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    rows = store.sync_rows("sheet-1", "some-stamp")
    assert rows is not None and rows.snapshot is None and rows.calibration is None
    assert store.sync_rows("no-such-sheet", None) is None


def test_the_rows_say_whether_any_edit_reported_by_the_add_on_is_kept(store: Store) -> None:
    """A MAP nobody edits through the add-on has no reports to load; once one is kept, a
    sync asks for them (only that MAP's)."""
    make_map(store, spreadsheet_id="sheet-1")
    make_map(store, spreadsheet_id="sheet-2")
    _save(store, "sheet-1", 1)
    before = store.sync_rows("sheet-1", None)
    assert before is not None and before.has_edit_events is False

    store.record_edit_event(
        spreadsheet_id="sheet-1", a1="G14", ts=FakeClock().now, user_email="dana@acme.example"
    )
    after = store.sync_rows("sheet-1", None)
    other = store.sync_rows("sheet-2", None)
    assert after is not None and after.has_edit_events is True
    assert other is not None and other.has_edit_events is False
