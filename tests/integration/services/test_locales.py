"""A MAP takes the locale it is created with (the add-on sends the seller's): the new
spreadsheet has it, typed dates are read by it and the backend's dates are shown in its
order, so a German buyer reads "4 Mar 2027" where an American reads "Mar 4, 2027"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from emulator.sheets.spreadsheet_ops import spreadsheet_resource
from emulator.sheets.values_ops import apply_values_update
from service.services.coalesce import sync_coalesced
from tests.integration.services.conftest import BUYER, World
from tests.integration.services.sheet_view import (
    header_value,
    milestone_rows,
    row_number,
    shown,
)

DUE = "F"


def locale_of(world: World, spreadsheet_id: str) -> Any:
    resource = spreadsheet_resource(world.backend_emulator_state, spreadsheet_id)
    return resource["properties"]["locale"]


def test_a_german_map_reads_and_shows_dates_day_first_and_a_second_sync_writes_nothing(
    world: World,
) -> None:
    provisioned = world.provision(account="Berlin", locale="de_DE", time_zone="Europe/Berlin")
    sid = provisioned.spreadsheet_id
    state = world.backend_emulator_state
    assert locale_of(world, sid) == "de_DE"
    go_live = provisioned.record.committed_go_live
    assert header_value(state, sid, "Committed Go-Live") == shown(go_live, "de_DE")
    assert header_value(state, sid, "Projected Go-Live") == shown(go_live, "de_DE")

    # A German buyer types a date with numbers: day first, as in their locale.
    day = next(
        d
        for d in (world.monday_in(weeks=3) + timedelta(days=n) for n in range(60))
        if d.day <= 12 and d.day != d.month and d.weekday() < 5 and (d.month, d.day) != (1, 1)
    )
    row = row_number(state, sid, "m2")
    typed = f"{day.day:02d}.{day.month:02d}.{day.year}"
    apply_values_update(state, sid, f"Plan!{DUE}{row}", [[typed]], "RAW", BUYER)
    sync_coalesced(world.backend, sid)
    assert milestone_rows(state, sid)["m2"]["Target date"] == shown(day, "de_DE")

    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)


def test_a_map_created_without_a_locale_is_american_as_before(world: World) -> None:
    provisioned = world.provision(account="Boston")
    sid = provisioned.spreadsheet_id
    assert locale_of(world, sid) == "en_US"
    go_live = provisioned.record.committed_go_live
    assert header_value(world.backend_emulator_state, sid, "Committed Go-Live") == shown(go_live)
