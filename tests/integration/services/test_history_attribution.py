"""Who made a change, when no add-on trigger named them: Drive's file version (one
change since the last sync: its last modifier), else its revision history."""

from __future__ import annotations

from service.services.coalesce import sync_coalesced
from tests.integration.services.conftest import (
    BUYER,
    SELLER,
    World,
    race_hook,
    race_hooks_fired,
)
from tests.integration.services.sheet_view import milestone_rows, row_number, tab_cells


def history_who(world: World, spreadsheet_id: str) -> dict[tuple[str, str], str]:
    """History's Who by (Milestone, Field)."""
    rows = tab_cells(world.backend_emulator_state, spreadsheet_id, "History")[1:]
    texts = [[str(c.get("formattedValue", "")) for c in r] + [""] * 8 for r in rows]
    return {(t[2], t[3]): t[1] for t in texts}


def titles_by_side(world: World, spreadsheet_id: str) -> dict[str, tuple[str, str]]:
    """The first milestone of each side: {side: (id, title)}."""
    found: dict[str, tuple[str, str]] = {}
    for mid, row in milestone_rows(world.backend_emulator_state, spreadsheet_id).items():
        found.setdefault(row["Side"], (mid, row["Milestone"]))
    return found


def buyer_edited_after_a_sync(world: World) -> tuple[str, tuple[str, int, str]]:
    """A new MAP, synced; five minutes on, the buyer sets their first milestone's Status.
    The MAP's id, with that milestone's title and the first seller milestone's row and
    title."""
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(minutes=5)
    sides = titles_by_side(world, sid)
    state = world.backend_emulator_state
    buyer_id, buyer_title = sides["Buyer"]
    seller_id, seller_title = sides["Seller"]
    world.edit(sid, f"Plan!G{row_number(state, sid, buyer_id)}", "In progress", user=BUYER)
    return sid, (buyer_title, row_number(state, sid, seller_id), seller_title)


def test_a_buyers_edit_without_a_trigger_is_theirs_in_history(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(minutes=5)
    mid, title = titles_by_side(world, sid)["Buyer"]
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, mid)}", "In progress")
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    assert history_who(world, sid)[(title, "Status")] == BUYER
    (event,) = world.store.history(sid)
    assert event.actor == BUYER
    # One change since the last sync: Drive's version check named its author.
    assert "drive.revisions.list" not in world.counters(sid)


def test_each_of_several_edits_in_turn_is_its_authors(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    sides = titles_by_side(world, sid)
    state = world.backend_emulator_state
    world.reset_counters()
    edits = (("Buyer", BUYER, "In progress"), ("Seller", SELLER, "In progress"))
    for side, user, status in (*edits, ("Buyer", BUYER, "Blocked")):
        world.clock.advance(minutes=5)
        mid, _ = sides[side]
        world.edit(sid, f"Plan!G{row_number(state, sid, mid)}", status, user=user)
        sync_coalesced(world.backend, sid)
    assert [e.actor for e in world.store.history(sid)] == [BUYER, SELLER, BUYER]
    assert "drive.revisions.list" not in world.counters(sid)


def test_an_edit_landing_between_the_version_check_and_the_read_is_not_misnamed(
    world: World,
) -> None:
    sid, (buyer_title, seller_row, seller_title) = buyer_edited_after_a_sync(world)
    # The seller's edit lands right after the sync's first Drive version check (which
    # names the buyer as the one change), before its read, which sees both edits.
    race_hook(
        world,
        sid,
        method="drive.files.get",
        user=SELLER,
        values_update={
            "range": f"Plan!G{seller_row}",
            "values": [["In progress"]],
            "value_input_option": "USER_ENTERED",
        },
    )
    sync_coalesced(world.backend, sid)
    assert race_hooks_fired(world)[-1] == "fired"
    who = history_who(world, sid)
    assert who[(buyer_title, "Status")] == f"probably {BUYER}"
    assert who[(seller_title, "Status")] == f"probably {SELLER}"


def test_with_several_editors_in_between_the_sides_tell_who_probably_did(world: World) -> None:
    sid, (buyer_title, seller_row, seller_title) = buyer_edited_after_a_sync(world)
    world.edit(sid, f"Plan!G{seller_row}", "In progress", user=SELLER)
    world.reset_counters()
    sync_coalesced(world.backend, sid)
    # Two changes since the last sync: Drive's last modifier (the seller) made one of
    # them only, so the revision history is asked.
    assert world.counters(sid).get("drive.revisions.list") == 1
    who = history_who(world, sid)
    assert who[(buyer_title, "Status")] == f"probably {BUYER}"
    assert who[(seller_title, "Status")] == f"probably {SELLER}"


def test_edits_seen_by_an_earlier_sync_do_not_count(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(minutes=5)
    mid, _ = titles_by_side(world, sid)["Buyer"]
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, mid)}", "In progress")
    sync_coalesced(world.backend, sid)
    world.clock.advance(minutes=5)
    other, title = titles_by_side(world, sid)["Seller"]
    world.edit(
        sid,
        f"Plan!G{row_number(world.backend_emulator_state, sid, other)}",
        "In progress",
        user=SELLER,
    )
    sync_coalesced(world.backend, sid)
    assert history_who(world, sid)[(title, "Status")] == SELLER
