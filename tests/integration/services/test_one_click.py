"""One-click updates: the change lands on the milestone's row in one Sheets call, the
sync after it records it as the owner's "via email"; bad links change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator.sheets.spreadsheet_ops import apply_batch_update
from service.services.action_links import Action, ActionClaim, ActionLinks, LinkRefused
from service.services.coalesce import sync_coalesced
from service.services.one_click import ProposalInvalid, apply, preview
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import (
    milestone_rows,
    plan_values,
    row_number,
    shown,
    tab_cells,
)

SECRET = "test-link-secret-0123456789"
PLAN_SHEET_ID = 1001  # the Plan tab's sheet id in a new MAP
DANA = "Dana Lee <dana@acme.example>"


def _links(world: World) -> ActionLinks:
    return ActionLinks(SECRET, "http://backend.test", clock=world.clock)


def _claim(world: World, sid: str, action: Action, email: str = "dana@acme.example") -> ActionClaim:
    url = _links(world).action_url(sid, "m1", email, action)
    return _links(world).check_action(url.rsplit("/", 1)[1])


def _map_owned_by_dana(world: World) -> str:
    sid = world.provision().spreadsheet_id
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!D{row}", DANA)
    world.edit(sid, f"Plan!I{row}", "=Call Dana")
    sync_coalesced(world.backend, sid)
    return sid


def _history(world: World, sid: str) -> list[list[str]]:
    rows = tab_cells(world.backend_emulator_state, sid, "History")
    return [[str(c.get("formattedValue", "")) for c in r] for r in rows[1:]]


def test_done_from_a_link_changes_the_sheet_and_history(world: World) -> None:
    sid = _map_owned_by_dana(world)
    claim = _claim(world, sid, Action.DONE)
    shown_before = preview(world.backend, claim)
    assert (shown_before.title, shown_before.status) == ("Pricing proposal review", "Not started")
    world.reset_counters()

    applied = apply(world.backend, claim)

    counts = world.counters(sid)
    assert sum(counts.values()) == 1, counts  # one write, no read
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Status"] == "Done"
    assert applied.projected_go_live is not None
    sync_coalesced(world.backend, sid)
    (row,) = [r for r in _history(world, sid) if r[3] == "Status"]
    assert row[1] == "dana@acme.example via email"
    assert row[4:6] == ["Not started", "Done"] and row[7] == "email"


def test_need_more_time_pins_the_date_with_the_reason_in_notes(world: World) -> None:
    sid = _map_owned_by_dana(world)
    proposed = world.today() + timedelta(days=30)
    claim = _claim(world, sid, Action.MORE_TIME)

    with pytest.raises(ProposalInvalid) as bad:
        apply(world.backend, claim, proposed=str(world.today()), reason="")
    assert bad.value.field == "date"
    with pytest.raises(ProposalInvalid):
        apply(world.backend, claim, proposed="next week")
    applied = apply(world.backend, claim, proposed=proposed.isoformat(), reason="Legal is out")

    row = milestone_rows(world.backend_emulator_state, sid)["m1"]
    assert row["Due"] == shown(proposed)
    # The notes keep what was there, as text (never a formula), and gain the reason.
    assert row["Notes"].startswith("=Call Dana\n")
    assert row["Notes"].endswith(f"needs until {proposed.isoformat()} (Legal is out)")
    sync_coalesced(world.backend, sid)
    record = world.store.get_map(sid)
    assert record is not None and record.projected_go_live == applied.projected_go_live


def test_bad_links_change_nothing(world: World) -> None:
    sid = _map_owned_by_dana(world)
    before = milestone_rows(world.backend_emulator_state, sid)["m1"]
    links = _links(world)

    token = links.action_url(sid, "m1", "dana@acme.example", Action.DONE).rsplit("/", 1)[1]
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    with pytest.raises(LinkRefused) as refused:
        links.check_action(tampered)
    assert refused.value.status == 403

    world.clock.advance(days=15)
    with pytest.raises(LinkRefused) as refused:
        links.check_action(token)
    assert refused.value.status == 410
    world.clock.advance(days=-15)

    other = _claim(world, sid, Action.DONE, email="priya@acme.example")
    with pytest.raises(LinkRefused) as refused:
        apply(world.backend, other)
    assert refused.value.status == 403

    used = _claim(world, sid, Action.IN_PROGRESS)
    apply(world.backend, used)
    after_first = milestone_rows(world.backend_emulator_state, sid)["m1"]
    with pytest.raises(LinkRefused) as refused:
        apply(world.backend, used)
    assert refused.value.status == 410
    assert milestone_rows(world.backend_emulator_state, sid)["m1"] == after_first
    assert before["Status"] == "Not started" and after_first["Status"] == "In progress"


def test_a_row_inserted_above_since_the_last_sync_does_not_move_the_change(world: World) -> None:
    sid = _map_owned_by_dana(world)
    first = row_number(world.backend_emulator_state, sid, "m1")
    insert = {
        "insertDimension": {
            "range": {
                "sheetId": PLAN_SHEET_ID,
                "dimension": "ROWS",
                "startIndex": first - 1,
                "endIndex": first,
            },
            "inheritFromBefore": False,
        }
    }
    apply_batch_update(
        world.backend_emulator_state, sid, {"requests": [insert]}, "dana@acme.example"
    )
    assert row_number(world.backend_emulator_state, sid, "m1") == first + 1

    apply(world.backend, _claim(world, sid, Action.DONE))

    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m1"]["Status"] == "Done"
    assert rows["m2"]["Status"] == "Not started"
    blank = plan_values(world.backend_emulator_state, sid)[first - 1]
    assert not any(blank), blank
