"""What the backend writes into cells: a person's words neutralised as OWASP advises for
CSV injection, and everything else as it is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.sheets.cell_values import neutralised, read_text, unneutralised
from service.sheets.cells import cell_data, shown_cell, shows, shows_shown
from service.sheets.render import Shown
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


# What a computed cell can show, and what a read can find in it: the write is planned by
# comparing the two without building the CellData, which must answer as ``shows`` does.
_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(0, 1, allow_nan=False),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["On track", "=1+1", "Overdue", "x" * 60_000]),
)
_COLOURS = st.sampled_from(["#f3f3f3", "#000000", "#ffffff", "#d9ead3", "#f4cccc"])


@st.composite
def _read_cells(draw: st.DrawFn) -> dict[str, Any] | None:
    """A cell as a read returns it: what we wrote, or what a person left."""
    shown = Shown(draw(_VALUES), draw(_COLOURS))
    pattern = draw(st.sampled_from(["mmm d, yyyy", "d mmm yyyy"]))
    return draw(
        st.one_of(
            st.none(),
            st.just({}),
            st.just(shown_cell(shown, pattern)),
            st.just({"userEnteredValue": {"stringValue": "typed over"}}),
            st.just({"userEnteredValue": {"formulaValue": "=A1"}}),
        )
    )


@settings(deadline=None)  # no timing: a shared machine may be slow
@given(_read_cells(), _VALUES, st.one_of(st.none(), _COLOURS), st.sampled_from(["mmm d, yyyy"]))
def test_a_computed_cell_is_compared_as_shown_as_it_would_be_as_cell_data(
    current: dict[str, Any] | None, value: Any, background: str | None, pattern: str
) -> None:
    shown = Shown(value, background)  # type: ignore[arg-type]
    assert shows_shown(current, shown, pattern) == shows(current, shown_cell(shown, pattern))
    assert shows_shown(shown_cell(shown, pattern), shown, pattern)
