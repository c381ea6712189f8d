from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from service.store import MapAlreadyExists, MapNotFound, MapRecord, MapSort, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock


def _get(store: Store, spreadsheet_id: str) -> MapRecord:
    found = store.get_map(spreadsheet_id)
    assert found is not None
    return found


def test_a_registered_map_reads_back_with_every_field(
    clocked_store: Store, clock: FakeClock
) -> None:
    registered = clocked_store.register_map(
        spreadsheet_id="sheet-1",
        org="Vendor.Example",
        seller_email="sam@vendor.example",
        account="Acme Corp",
        outcome="Cut ramp time",
        template="enterprise",
        country="GB",
        committed_go_live=date(2027, 3, 31),
        created_on=date(2026, 11, 23),
        shared_on=date(2026, 11, 24),
        buyer_emails=["dana@acme.example", "lee@acme.example"],
    )

    found = _get(clocked_store, "sheet-1")

    assert found == registered
    assert found.org == "vendor.example"
    assert found.buyer_emails == ("dana@acme.example", "lee@acme.example")
    assert found.country == "GB"
    assert found.shared_on == date(2026, 11, 24)
    assert found.created_at == found.updated_at == clock.now
    assert found.created_at.tzinfo is UTC
    assert found.top_risks == []
    assert found.health_score is None and found.last_synced_at is None


def test_each_map_gets_its_own_uuid_and_unguessable_calendar_key(store: Store) -> None:
    first = make_map(store)
    second = make_map(store)

    assert first.map_id != second.map_id and len(first.map_id) == 36
    assert first.calendar_key != second.calendar_key
    assert len(first.calendar_key) >= 43  # 256 random bits, base64url


def test_a_map_may_be_registered_with_the_id_provisioning_chose(store: Store) -> None:
    chosen = "7d0f4c1e-3b7a-4f55-9a43-0c9d2f1b6e21"

    registered = make_map(store, map_id=chosen.upper())

    assert registered.map_id == chosen


def test_a_map_id_that_is_not_a_uuid_is_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        make_map(store, map_id="not-a-uuid")


def test_a_map_id_already_taken_raises_map_already_exists(store: Store) -> None:
    taken = make_map(store).map_id

    with pytest.raises(MapAlreadyExists):
        make_map(store, map_id=taken)


def test_registering_a_spreadsheet_twice_raises_map_already_exists(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1", account="First")

    with pytest.raises(MapAlreadyExists) as raised:
        make_map(store, spreadsheet_id="sheet-1", account="Second")

    assert raised.value.spreadsheet_id == "sheet-1"
    assert _get(store, "sheet-1").account == "First"


def test_an_unknown_spreadsheet_has_no_map(store: Store) -> None:
    assert store.get_map("nope") is None


def test_a_map_is_found_by_its_calendar_key_and_only_by_it(store: Store) -> None:
    registered = make_map(store)
    make_map(store)

    assert store.get_map_by_calendar_key(registered.calendar_key) == registered
    assert store.get_map_by_calendar_key(registered.calendar_key[:-1]) is None
    assert store.get_map_by_calendar_key("") is None


def test_a_rotated_calendar_key_replaces_the_old_one_and_a_revoked_one_matches_nothing(
    store: Store,
) -> None:
    registered = make_map(store)
    old = registered.calendar_key
    assert old is not None

    rotated = store.rotate_calendar_key(registered.spreadsheet_id)

    assert rotated.calendar_key not in (None, old)
    assert store.get_map_by_calendar_key(old) is None
    assert store.get_map_by_calendar_key(rotated.calendar_key or "") == rotated

    revoked = store.revoke_calendar_key(registered.spreadsheet_id)

    assert revoked.calendar_key is None
    assert _get(store, registered.spreadsheet_id).calendar_key is None
    assert store.get_map_by_calendar_key(rotated.calendar_key or "") is None
    assert store.get_map_by_calendar_key("revoked.") is None
    # A second revoked MAP does not collide with the first (the column is unique).
    assert store.revoke_calendar_key(make_map(store).spreadsheet_id).calendar_key is None
    with pytest.raises(MapNotFound):
        store.rotate_calendar_key("nope")
    with pytest.raises(MapNotFound):
        store.revoke_calendar_key("nope")


def test_update_map_changes_only_the_given_fields(clocked_store: Store, clock: FakeClock) -> None:
    registered = make_map(clocked_store, spreadsheet_id="sheet-1")
    synced_at = clock.advance(hours=1)

    updated = clocked_store.update_map(
        "sheet-1",
        projected_go_live=date(2027, 4, 5),
        slip_bd=3,
        health_score=55,
        health_label="Watch",
        top_risks=[{"code": "GO_LIVE_SLIP", "severity": "high", "message": "Move it."}],
        last_synced_at=synced_at,
        buyer_emails=("new@acme.example",),
    )

    assert updated == clocked_store.get_map("sheet-1")
    assert updated.slip_bd == 3 and updated.health_score == 55 and updated.health_label == "Watch"
    assert updated.top_risks[0]["code"] == "GO_LIVE_SLIP"
    assert updated.last_synced_at == synced_at
    assert updated.buyer_emails == ("new@acme.example",)
    assert updated.updated_at == synced_at
    assert updated.account == registered.account
    assert updated.calendar_key == registered.calendar_key
    assert updated.created_at == registered.created_at


def test_update_map_can_clear_a_field(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1", shared_on=date(2026, 11, 3))

    assert store.update_map("sheet-1", shared_on=None).shared_on is None


def test_update_map_refuses_fields_that_never_change(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    with pytest.raises(TypeError, match="calendar_key, org"):
        store.update_map("sheet-1", org="other.example", calendar_key="guess")  # type: ignore[call-arg]


def test_update_map_of_an_unknown_spreadsheet_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        store.update_map("nope", slip_bd=1)


def test_update_map_refuses_a_naive_timestamp(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    with pytest.raises(ValueError, match="timezone-aware"):
        store.update_map("sheet-1", last_synced_at=datetime(2026, 11, 23, 9, 0))


def test_timestamps_in_other_zones_are_stored_as_the_same_instant_in_utc(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 23, 10, 30, 15, 123456, tzinfo=paris)

    stored = store.update_map("sheet-1", last_read_at=moment).last_read_at

    assert stored == moment
    assert stored.tzinfo is UTC and stored.hour == 9


def _pipeline(store: Store) -> None:
    rows = [
        ("s-healthy", "beta", 90, 0, date(2027, 5, 1), None),
        ("s-risky", "Gamma", 20, 12, date(2027, 2, 1), date(2027, 3, 1)),
        ("s-watch", "alpha", 55, 3, date(2027, 4, 1), date(2027, 1, 15)),
        ("s-new", "Delta", None, None, date(2027, 1, 20), None),
    ]
    for spreadsheet_id, account, score, slip, committed, projected in rows:
        make_map(store, spreadsheet_id=spreadsheet_id, account=account, committed_go_live=committed)
        store.update_map(
            spreadsheet_id, health_score=score, slip_bd=slip, projected_go_live=projected
        )
    make_map(store, spreadsheet_id="s-elsewhere", org="other.example", account="Aardvark")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (MapSort.RISK, ["s-risky", "s-watch", "s-healthy", "s-new"]),
        ("slip", ["s-risky", "s-watch", "s-healthy", "s-new"]),
        ("go_live", ["s-watch", "s-new", "s-risky", "s-healthy"]),
        ("account", ["s-watch", "s-healthy", "s-new", "s-risky"]),
    ],
)
def test_list_maps_gives_the_organisations_maps_in_pipeline_order(
    store: Store, sort: MapSort | str, expected: list[str]
) -> None:
    _pipeline(store)

    listed = store.list_maps("VENDOR.example", sort=sort)

    assert [m.spreadsheet_id for m in listed] == expected


def test_list_maps_sorts_by_risk_by_default(store: Store) -> None:
    _pipeline(store)

    assert store.list_maps("vendor.example")[0].spreadsheet_id == "s-risky"


def test_list_maps_refuses_an_unknown_sort(store: Store) -> None:
    with pytest.raises(ValueError, match="sideways"):
        store.list_maps("vendor.example", sort="sideways")


def test_maps_due_for_sweep_come_never_synced_first_then_least_recently_synced(
    clocked_store: Store, clock: FakeClock
) -> None:
    now = clock.now
    for spreadsheet_id, synced_at in [
        ("s-recent", now - timedelta(minutes=5)),
        ("s-never", None),
        ("s-old", now - timedelta(days=3)),
        ("s-older", now - timedelta(days=8)),
    ]:
        make_map(clocked_store, spreadsheet_id=spreadsheet_id)
        clocked_store.update_map(spreadsheet_id, last_synced_at=synced_at)

    every = clocked_store.maps_due_for_sweep(now)
    stale = clocked_store.maps_due_for_sweep(now, min_interval=timedelta(hours=1))
    first_two = clocked_store.maps_due_for_sweep(now, limit=2)

    assert [m.spreadsheet_id for m in every] == ["s-never", "s-older", "s-old", "s-recent"]
    assert [m.spreadsheet_id for m in stale] == ["s-never", "s-older", "s-old"]
    assert [m.spreadsheet_id for m in first_two] == ["s-never", "s-older"]
