from __future__ import annotations

from datetime import timedelta

import pytest

from service.store import (
    ChannelAlreadyExists,
    MapNotFound,
    Store,
    WatchChannel,
    hash_channel_token,
)
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

TOKEN = "s3cret-token-0123456789abcdef"


def _save(
    store: Store, channel_id: str, spreadsheet_id: str, expires_in_h: float, now: FakeClock
) -> WatchChannel:
    return store.save_channel(
        channel_id=channel_id,
        spreadsheet_id=spreadsheet_id,
        resource_id=f"res-{channel_id}",
        token=TOKEN,
        expiration=now.now + timedelta(hours=expires_in_h),
    )


def test_a_saved_channel_reads_back(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")

    saved = _save(clocked_store, "ch-1", "sheet-1", 24, clock)

    assert clocked_store.get_channel("ch-1") == saved
    assert saved.spreadsheet_id == "sheet-1" and saved.resource_id == "res-ch-1"
    assert saved.expiration == clock.now + timedelta(hours=24)
    assert saved.created_at == clock.now
    assert clocked_store.get_channel("ch-unknown") is None


def test_only_a_hash_of_the_token_is_stored(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    _save(store, "ch-1", "sheet-1", 24, FakeClock())

    with store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT * FROM watch_channels").one()

    assert TOKEN not in [str(value) for value in stored]
    assert hash_channel_token(TOKEN) in [str(value) for value in stored]


def test_the_channel_token_check_accepts_only_the_right_token(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    _save(store, "ch-1", "sheet-1", 24, FakeClock())

    assert store.verify_channel_token("ch-1", TOKEN)
    assert not store.verify_channel_token("ch-1", TOKEN + "x")
    assert not store.verify_channel_token("ch-1", "")
    assert not store.verify_channel_token("ch-unknown", TOKEN)


def test_the_channel_check_names_the_map_and_whether_the_token_matches(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    _save(store, "ch-1", "sheet-1", 24, FakeClock())

    assert store.check_channel("ch-1", TOKEN) == ("sheet-1", True)
    assert store.check_channel("ch-1", TOKEN + "x") == ("sheet-1", False)
    assert store.check_channel("ch-1", "") == ("sheet-1", False)
    assert store.check_channel("ch-unknown", TOKEN) is None


def test_channels_are_listed_by_map_and_by_expiry(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    make_map(clocked_store, spreadsheet_id="sheet-2")
    _save(clocked_store, "ch-a", "sheet-1", 2, clock)
    _save(clocked_store, "ch-b", "sheet-1", 30, clock)
    _save(clocked_store, "ch-c", "sheet-2", 1, clock)

    for_map = clocked_store.channels_for_map("sheet-1")
    expiring = clocked_store.channels_expiring_before(clock.now + timedelta(hours=3))

    assert [c.channel_id for c in for_map] == ["ch-b", "ch-a"]
    assert [c.channel_id for c in expiring] == ["ch-c", "ch-a"]


def test_a_deleted_channel_is_gone(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    _save(store, "ch-1", "sheet-1", 24, FakeClock())

    assert store.delete_channel("ch-1")
    assert not store.delete_channel("ch-1")
    assert store.get_channel("ch-1") is None
    assert not store.verify_channel_token("ch-1", TOKEN)


def test_a_channel_id_is_saved_once(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    _save(store, "ch-1", "sheet-1", 24, FakeClock())

    with pytest.raises(ChannelAlreadyExists):
        _save(store, "ch-1", "sheet-1", 48, FakeClock())


def test_a_channel_for_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        _save(store, "ch-1", "nope", 24, FakeClock())


def test_a_channel_saved_before_its_watch_gets_drives_answer_afterwards(
    clocked_store: Store, clock: FakeClock
) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    _save(clocked_store, "ch-1", "sheet-1", 24, clock)
    granted = clock.now + timedelta(hours=23)

    assert clocked_store.set_channel_resource("ch-1", "drive-resource-9", granted)
    channel = clocked_store.get_channel("ch-1")
    assert channel is not None
    assert (channel.resource_id, channel.expiration) == ("drive-resource-9", granted)
    assert clocked_store.verify_channel_token("ch-1", TOKEN)
    assert not clocked_store.set_channel_resource("no-such-channel", "x", granted)
