"""Creating a MAP: laid out from a template, shared, registered and watched."""

from __future__ import annotations

import pytest

from service.services.provision import MapConflict, ProvisionInputError, watch_map
from tests.fakes.memory_drive import BACKEND
from tests.unit.services.conftest import BUYER, ORG, SELLER, Desk

HOOK = "https://map.example/hooks/drive"


def test_a_new_map_is_the_sellers_shared_with_the_buyer_and_the_backend(desk: Desk) -> None:
    made = desk.provision()
    sheet = desk.drive.sheet(made.spreadsheet_id)
    assert sheet.owner == SELLER and sheet.editors == {BUYER, BACKEND}
    [(invited, message)] = sheet.invitations  # the backend is not sent an invitation
    assert invited == BUYER
    go_live = desk.go_live()
    assert "Acme Corp" in message and f"{go_live:%B} {go_live.day}, {go_live.year}" in message
    rows = desk.drive.milestone_rows(made.spreadsheet_id)
    assert [r.title for r in rows.values()][-1] == "Go-live"
    assert rows["m6"].computed["target"] == go_live.isoformat()
    record = desk.store.get_map(made.spreadsheet_id)
    assert record is not None and record.committed_go_live == go_live
    assert record.health_score == made.computed.health.score
    assert desk.drive.calls == {"create": 1, "share": 2}


def test_a_sync_right_after_provisioning_reads_once_and_writes_nothing(desk: Desk) -> None:
    sid = desk.new_map()
    result = desk.sync(sid)
    assert desk.drive.calls == {"read": 1} and not result.wrote


def test_with_a_hook_address_the_new_map_is_watched_once(desk: Desk) -> None:
    desk.backend.drive_hook_url = HOOK
    sid = desk.provision().spreadsheet_id
    assert desk.drive.calls["watch"] == 1
    assert list(desk.drive.channels.values()) == [(sid, HOOK)]
    [channel] = desk.store.channels_for_map(sid)
    assert channel.resource_id == f"resource-{sid}"


def test_a_map_is_laid_out_in_the_sellers_spreadsheet_the_backend_cannot_open(
    desk: Desk,
) -> None:
    existing = desk.drive.new_spreadsheet(SELLER)
    made = desk.provision(spreadsheet_id=existing)
    assert made.spreadsheet_id == existing
    assert desk.drive.sheet(existing).map_id is not None
    assert desk.drive.milestone_rows(existing)["m6"].title == "Go-live"
    assert BACKEND in desk.drive.sheet(existing).editors  # shared as the MAP is laid out
    assert desk.drive.calls["lay_out"] == 2  # the backend was refused; the seller laid it out


def test_a_spreadsheet_that_already_holds_a_map_is_refused(desk: Desk) -> None:
    sid = desk.provision().spreadsheet_id
    with pytest.raises(MapConflict):
        desk.provision(spreadsheet_id=sid)
    another = desk.drive.new_spreadsheet(SELLER)
    desk.drive.sheet(another).map_id = "someone-else's"
    with pytest.raises(MapConflict):
        desk.provision(spreadsheet_id=another)
    assert [m.spreadsheet_id for m in desk.store.list_maps(ORG)] == [sid]


def test_a_country_without_a_holiday_calendar_is_refused_naming_the_field(desk: Desk) -> None:
    with pytest.raises(ProvisionInputError) as refused:
        desk.provision(country="ZZ")
    assert refused.value.field == "country"
    assert desk.drive.sheets == {} and desk.store.list_maps(ORG) == []


def test_a_watch_drive_refuses_is_forgotten(desk: Desk) -> None:
    sid = desk.provision().spreadsheet_id
    del desk.drive.sheets[sid]  # the file is gone
    desk.backend.drive_hook_url = HOOK
    assert not watch_map(desk.backend, sid)
    assert desk.store.channels_for_map(sid) == []
