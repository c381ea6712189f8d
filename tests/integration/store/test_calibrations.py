"""Each organisation's calibration and the MAPs' forecast fields, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from service.store import MapSort, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

CALIBRATION = {
    "version": 1,
    "plans": 2,
    "ratios": [
        {
            "category": "legal",
            "side": "buyer",
            "n": 3,
            "median": 1.5,
            "p80": 2.1,
            "mean_log": 0.4,
            "sd_log": 0.3,
        }
    ],
    "buyer_pace": {"plans": 0, "var_log": 0.0},
}


def test_an_organisation_without_a_calibration_has_none(store: Store) -> None:
    assert store.get_calibration("vendor.example") is None


def test_a_saved_calibration_reads_back_and_a_new_one_replaces_it(
    clocked_store: Store, clock: FakeClock
) -> None:
    saved = clocked_store.save_calibration("Vendor.Example", plans=2, calibration=CALIBRATION)
    assert saved.org == "vendor.example"
    assert clocked_store.get_calibration("vendor.example") == saved
    assert saved.built_at == clock()

    clock.advance(days=1)
    newer = {**CALIBRATION, "plans": 3}
    replaced = clocked_store.save_calibration("vendor.example", plans=3, calibration=newer)

    found = clocked_store.get_calibration("VENDOR.example")
    assert found == replaced
    assert (found.plans, found.calibration, found.built_at) == (3, newer, clock())


def test_calibrations_are_kept_per_organisation(store: Store) -> None:
    store.save_calibration("a.example", plans=2, calibration=CALIBRATION)
    assert store.get_calibration("b.example") is None


def test_orgs_lists_each_organisation_with_a_map_once(store: Store) -> None:
    make_map(store, org="b.example")
    make_map(store, org="A.example")
    make_map(store, org="b.example")
    assert store.orgs() == ["a.example", "b.example"]


def test_the_forecast_fields_and_amount_read_back(store: Store) -> None:
    made = make_map(store, amount=120_000)
    assert (made.amount, made.forecast, made.p_signature_quarter) == (120_000, None, None)

    forecast = {"basis": {"kind": "calibrated", "plans": 42}}
    updated = store.update_map(
        made.spreadsheet_id,
        forecast=forecast,
        p_signature_quarter=0.62,
        signature_target=date(2026, 12, 15),
        quarter_end=date(2026, 12, 31),
    )

    found = store.get_map(made.spreadsheet_id)
    assert found == updated
    assert found is not None
    assert found.forecast == forecast
    assert found.p_signature_quarter == 0.62
    assert (found.signature_target, found.quarter_end) == (date(2026, 12, 15), date(2026, 12, 31))


def test_the_pipeline_sorts_by_the_chance_of_signing_this_quarter(store: Store) -> None:
    unknown = make_map(store, account="Unknown")
    likely = make_map(store, account="Likely")
    unlikely = make_map(store, account="Unlikely")
    store.update_map(likely.spreadsheet_id, p_signature_quarter=0.9)
    store.update_map(unlikely.spreadsheet_id, p_signature_quarter=0.1)

    order = [r.account for r in store.list_maps("vendor.example", MapSort.SIGNATURE)]

    assert order == [likely.account, unlikely.account, unknown.account]
