"""A MAP's "today" is its spreadsheet's date, in the spreadsheet's time zone, for every
use case: provisioning, the sync, the weekly review and the date rollover. The test clock
starts on a Monday at 15:00 UTC: Tuesday 05:00 in Pacific/Kiritimati (UTC+14) and Monday
04:00 in Pacific/Pago_Pago (UTC-11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.services.coalesce import sync_coalesced
from service.services.provision import ProvisionInputError
from service.services.review import run_review
from service.services.sweep import sweep
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import header_value, shown, tab_cells

KIRITIMATI = "Pacific/Kiritimati"
PAGO_PAGO = "Pacific/Pago_Pago"


def review_dates(world: World, spreadsheet_id: str) -> set[str]:
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "Reviews")[1:]
    return {str(r[0].get("formattedValue", "")) for r in rows if r}


def snapshot_today(world: World, spreadsheet_id: str) -> str:
    snapshot = world.store.latest_snapshot(spreadsheet_id)
    assert snapshot is not None
    return str(snapshot.computed["today"])


def test_every_today_is_the_spreadsheets_date_on_both_sides_of_midnight_utc(
    world: World,
) -> None:
    monday = world.today()
    assert world.clock().hour == 15 and monday.weekday() == 0
    tuesday = monday + timedelta(days=1)
    east = world.provision(account="East", time_zone=KIRITIMATI).spreadsheet_id
    west = world.provision(account="West", time_zone=PAGO_PAGO).spreadsheet_id
    # Provisioning: already Tuesday in Kiritimati, still Monday in Pago Pago.
    east_record, west_record = world.store.get_map(east), world.store.get_map(west)
    assert east_record is not None and east_record.created_on == tuesday
    assert west_record is not None and west_record.created_on == monday
    assert east_record.shared_on == tuesday

    # The sync reads the sheet's zone and computes for its date.
    sync_coalesced(world.backend, east)
    sync_coalesced(world.backend, west)
    assert snapshot_today(world, east) == tuesday.isoformat()
    assert snapshot_today(world, west) == monday.isoformat()

    # 01:00 UTC on Tuesday: Tuesday 15:00 in Kiritimati, Monday 14:00 in Pago Pago.
    world.clock.set(datetime.combine(tuesday, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1))
    assert world.today() == tuesday
    west_review = run_review(world.backend, west)
    east_review = run_review(world.backend, east)
    assert west_review.on == monday  # UTC has Tuesday; Pago Pago does not yet
    assert east_review.on == tuesday
    assert review_dates(world, west) == {shown(monday)}
    assert review_dates(world, east) == {shown(tuesday)}
    assert header_value(world.backend_emulator_state, west, "Last review") == shown(monday)
    record = world.store.get_map(west)
    assert record is not None and record.last_reviewed_on == monday

    # The rollover (the sweep) recomputes for the sheet's date too: 11:00 UTC on Tuesday
    # is Wednesday 01:00 in Kiritimati and Tuesday 00:00 in Pago Pago.
    world.clock.advance(hours=10)
    sweep(world.backend)
    assert snapshot_today(world, east) == (tuesday + timedelta(days=1)).isoformat()
    assert snapshot_today(world, west) == tuesday.isoformat()


def test_a_time_zone_that_does_not_exist_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(ProvisionInputError) as refused:
        world.provision(time_zone="Mars/Olympus_Mons")
    assert refused.value.field == "time_zone"
