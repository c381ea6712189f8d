"""Creating a MAP: the spreadsheet, its sharing, its registration, and the calls it takes."""

from __future__ import annotations

import requests

from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from service.services.sync import SyncDeps, sync_map
from tests.integration.services.conftest import BUYER, SELLER, SERVICE_ACCOUNT, World
from tests.integration.services.sheet_view import header_value, milestone_rows, shown


def test_a_new_map_shows_every_milestone_back_scheduled_from_go_live(world: World) -> None:
    made = world.provision()
    rows = milestone_rows(world.backend_emulator_state, made.spreadsheet_id)
    assert [r["Milestone"] for r in rows.values()][-1] == "Go-live"
    assert rows["m6"]["Target date"] == shown(world.go_live())
    assert header_value(
        world.backend_emulator_state, made.spreadsheet_id, "Committed Go-Live"
    ) == shown(world.go_live())
    record = world.store.get_map(made.spreadsheet_id)
    assert record is not None and record.committed_go_live == world.go_live()


def test_provisioning_takes_two_sheets_calls_and_one_share_per_person(world: World) -> None:
    world.reset_counters()
    made = world.provision(template="enterprise")
    counts = world.counters(made.spreadsheet_id)
    sheets_calls = sum(v for k, v in counts.items() if k.startswith("sheets."))
    assert sheets_calls <= 2, counts
    assert counts.get("drive.permissions.create") == 2, counts  # the buyer and the backend


def test_the_buyer_is_invited_with_a_message_naming_the_account_and_go_live(world: World) -> None:
    made = world.provision()
    sent = requests.get(f"{world.url}/__emulator/notifications", timeout=10).json()
    items = sent.get("notifications", sent)
    mine = [n for n in items if n.get("file_id", n.get("fileId")) == made.spreadsheet_id]
    to_buyer = [n for n in mine if BUYER in str(n)]
    assert to_buyer and "Acme Corp" in str(to_buyer[0]) and "March 31, 2027" in str(to_buyer[0])
    assert not [n for n in mine if SERVICE_ACCOUNT in str(n) and "Acme" in str(n)]


def test_a_sync_right_after_provisioning_reads_once_and_writes_nothing(world: World) -> None:
    made = world.provision()
    world.reset_counters()
    with world.backend.sheets() as sheets:
        result = sync_map(SyncDeps(world.store, sheets, world.clock), made.spreadsheet_id)
    counts = world.counters(made.spreadsheet_id)
    assert counts.get("sheets.spreadsheets.get") == 1, counts
    assert "sheets.spreadsheets.batchUpdate" not in counts, (counts, result)
    assert not result.wrote


def test_a_country_without_a_holiday_calendar_is_refused_naming_the_field(world: World) -> None:
    import pytest

    from service.services.provision import ProvisionInputError

    with pytest.raises(ProvisionInputError) as refused:
        world.provision(country="ZZ")
    assert refused.value.field == "country"
    assert world.store.list_maps("vendor.example") == []


def test_provisioning_registers_one_drive_watch(world: World) -> None:
    world.backend.drive_hook_url = "http://127.0.0.1:9/hooks/drive"
    world.reset_counters()
    made = world.provision()
    assert world.counters(made.spreadsheet_id).get("drive.files.watch") == 1
    assert len(world.store.channels_for_map(made.spreadsheet_id)) == 1


def test_a_map_can_be_laid_out_in_the_sellers_existing_spreadsheet(world: World) -> None:
    from service.sheets import build_gateway, user_credentials

    seller = build_gateway(user_credentials(world.token_for(SELLER)), api_root=world.url)
    with seller:
        existing = seller.create_spreadsheet({"properties": {"title": "Acme notes"}})
        seller.share(existing, SERVICE_ACCOUNT, role="writer", message="", notify=False)
    made = world.provision(spreadsheet_id=existing)
    assert made.spreadsheet_id == existing
    rows = milestone_rows(world.backend_emulator_state, existing)
    assert rows["m6"]["Target date"] == shown(world.go_live())
    resource = spreadsheet_resource(world.backend_emulator_state, existing, include_grid_data=False)
    titles = [s["properties"]["title"] for s in resource["sheets"]]
    # The MAP's tabs come first; the seller's own tab stays.
    assert titles[:5] == ["Plan", "Timeline", "History", "Reviews", "How to use"]
    assert "Sheet1" in titles


def test_a_spreadsheet_that_already_holds_a_map_is_refused(world: World) -> None:
    import pytest

    from service.services.provision import MapConflict

    made = world.provision()
    with pytest.raises(MapConflict):
        world.provision(spreadsheet_id=made.spreadsheet_id)
