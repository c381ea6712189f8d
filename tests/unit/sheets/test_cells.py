"""What the backend writes into cells: a person's words neutralised as OWASP advises for
CSV injection, and everything else as it is."""

from __future__ import annotations

from datetime import date

import pytest

from service.sheets.cell_values import neutralised, read_text, unneutralised
from service.sheets.cells import cell_data, shows
from service.sheets.requests import append_text_rows, set_note

EVIL = [
    '=HYPERLINK("http://evil","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", EVIL)
def test_text_a_spreadsheet_would_run_is_written_behind_a_single_quote(text: str) -> None:
    cell = cell_data(text)

    assert cell == {"userEnteredValue": {"stringValue": "'" + text}}
    assert shows(cell, cell_data(text)), "an unchanged cell is not written again"


@pytest.mark.parametrize("text", EVIL)
def test_history_and_review_rows_and_notes_are_neutralised_too(text: str) -> None:
    rows = append_text_rows(7, [["m1", text, f"ok {text}"]])["appendCells"]["rows"]
    note = set_note(7, 3, 4, text)["updateCells"]["rows"][0]["values"][0]

    values = [c["userEnteredValue"]["stringValue"] for c in rows[0]["values"]]
    assert values == ["m1", "'" + text, f"ok {text}"]
    assert note == {"note": "'" + text}


@pytest.mark.parametrize(
    "text", ["Legal redlines", "'quoted", "a=b", "", "• Go-live slips", "Mar 31, 2027"]
)
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert neutralised(text) == text
    assert unneutralised(text) == text


def test_numbers_and_dates_are_values_not_text() -> None:
    assert cell_data(-3) == {"userEnteredValue": {"numberValue": -3}}
    assert cell_data(date(2027, 3, 4))["userEnteredValue"] == {"numberValue": 46450}


@pytest.mark.parametrize("text", EVIL)
def test_a_neutralised_input_reads_back_as_it_was_typed(text: str) -> None:
    """A title laid out by the backend must not read back changed (or every sync would
    record an edit nobody made)."""
    written = cell_data(text)["userEnteredValue"]["stringValue"]

    assert read_text(written) == text.strip()


def test_text_over_googles_cell_limit_is_cut_visibly_below_it() -> None:
    title = "=" + "x" * 49_989  # 49,990 characters
    next_step = f"{title} (Dana Lee <dana@acme.example>), by Mar 4, 2027"

    written = cell_data(next_step)["userEnteredValue"]["stringValue"]
    note = set_note(7, 3, 4, "y" * 60_000)["updateCells"]["rows"][0]["values"][0]["note"]

    assert len(next_step) > 50_000
    assert len(written) == 50_000 and written.startswith("'=xxx") and written.endswith(" […]")
    assert len(note) == 50_000
    assert cell_data(title)["userEnteredValue"]["stringValue"] == "'" + title
