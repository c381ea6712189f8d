"""One weekly review a day: a rerun on the same day replaces that day's rows on the
Reviews tab (and its record), and the Reviews tab names risks in words."""

from __future__ import annotations

from datetime import timedelta

from service.services.coalesce import sync_coalesced
from service.services.review import run_review
from service.sheets.render import RISK_LABELS
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import row_number, shown, tab_cells


def reviews_tab(world: World, spreadsheet_id: str) -> list[list[str]]:
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "Reviews")
    return [[str(c.get("formattedValue", "")) for c in row] + [""] * 4 for row in rows[1:]]


def test_a_rerun_on_the_same_day_replaces_that_days_review(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=7)
    first_day = world.today().isoformat()
    run_review(world.backend, sid)
    first = reviews_tab(world, sid)
    # Review dates are dates, shown in the spreadsheet locale's order.
    assert {r[0] for r in first} == {shown(world.today())}

    world.clock.advance(days=7)
    day = world.today().isoformat()
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    run_review(world.backend, sid)
    once = reviews_tab(world, sid)
    world.clock.advance(hours=1)
    run_review(world.backend, sid)  # twice more on the same day
    run_review(world.backend, sid)
    rows = reviews_tab(world, sid)

    assert rows == once  # replaced, not appended
    assert rows[: len(first)] == first  # the week before is untouched
    todays = [r for r in rows if r[0] == shown(world.today())]
    assert todays and len(rows) == len(first) + len(todays)
    # The rerun still covers the week since the review before today.
    assert ["Completed", "Pricing proposal review"] in [r[1:3] for r in todays]
    record = world.store.last_review(sid)
    assert record is not None and record.on.isoformat() == day
    assert record.summary["since"] == first_day


def test_the_reviews_tab_names_open_risks_in_words(world: World) -> None:
    sid = world.provision(go_live=world.today() + timedelta(days=14)).spreadsheet_id
    sync_coalesced(world.backend, sid)
    run_review(world.backend, sid)
    risks = [r for r in reviews_tab(world, sid) if r[1] == "Open risk"]
    assert risks and all(r[2] in RISK_LABELS.values() for r in risks), risks
    assert "Pushes go-live" in [r[2] for r in risks]
    assert all(r[3] and not r[3].isupper() for r in risks)
