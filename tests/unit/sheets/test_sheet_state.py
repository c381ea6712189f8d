"""The remembered layout keeps each computed cell compactly: remembered and recalled, a
cell must compare with what a write would put there exactly as the cell itself did."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from service.sheets.cells import color_to_hex, shown_cell, shows
from service.sheets.reader import MilestoneRow, SheetRead
from service.sheets.render import Shown
from service.sheets.sheet_state import compared, remembered_cell, to_state
from service.sheets.timeline_tab import TimelineCells

_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(-5, 50_000),
    st.floats(0, 1, allow_nan=False),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["On track", "=1+1", "Overdue"]),
)
_HEX = st.sampled_from(["#f3f3f3", "#000000", "#ffffff", "#d9ead3", "#f4cccc"])
_PATTERNS = st.sampled_from(["mmm d, yyyy", "d mmm yyyy"])
_CHANNEL = st.one_of(st.just(0.0), st.floats(0, 1, allow_nan=False))


@st.composite
def _cells(draw: st.DrawFn) -> dict[str, Any]:
    """A computed cell as Google returns it: what we wrote, or what a person left, with
    the formatted value and a note, colours with components left out or near zero."""
    kind = draw(st.sampled_from(["written", "typed", "formula", "empty", "colour"]))
    if kind == "written":
        cell = shown_cell(Shown(draw(_VALUES), draw(_HEX)), draw(_PATTERNS))
    elif kind == "typed":
        cell = {"userEnteredValue": {"stringValue": draw(st.text(max_size=5))}}
    elif kind == "formula":
        cell = {"userEnteredValue": {"formulaValue": "=A1"}}
    elif kind == "empty":
        cell = {}
    else:
        colour = {
            k: draw(_CHANNEL) for k in draw(st.sets(st.sampled_from(["red", "green", "blue"])))
        }
        cell = {
            "userEnteredValue": {"numberValue": 3},
            "userEnteredFormat": {"backgroundColor": colour},
        }
    if draw(st.booleans()):
        cell["formattedValue"] = "shown"
        cell["note"] = "a note"
    return cell


@settings(deadline=None)  # no timing: a shared machine may be slow
@given(_cells(), _VALUES, st.one_of(st.none(), _HEX), _PATTERNS)
def test_a_remembered_cell_compares_as_the_cell_read(
    cell: dict[str, Any], value: Any, background: str | None, pattern: str
) -> None:
    wanted = shown_cell(Shown(value, background), pattern)  # type: ignore[arg-type]
    recalled = remembered_cell(compared(cell))
    assert shows(recalled, wanted) == shows(cell, wanted)


def test_a_cell_remembered_before_is_recalled_as_it_was() -> None:
    cell = {"userEnteredValue": {"stringValue": "Overdue"}, "formattedValue": "Overdue"}
    assert remembered_cell(cell) == cell


def test_a_remembered_cell_is_short() -> None:
    cell = shown_cell(Shown(date(2027, 3, 4), "#f3f3f3"), "mmm d, yyyy")
    assert compared(cell) == ["n", 46450, "#f3f3f3", "mmm d, yyyy"]


def _compared_the_long_way(cell: dict[str, Any]) -> list[Any]:
    """``compared`` as first written: every part found, then the trailing Nones popped."""
    entered = cell.get("userEnteredValue")
    kind = value = background = pattern = None
    for key, short in (("numberValue", "n"), ("stringValue", "s"), ("boolValue", "b"),
                       ("formulaValue", "f")):  # fmt: skip
        if entered and key in entered:
            kind, value = short, entered[key]
            break
    fmt = cell.get("userEnteredFormat")
    if fmt:
        color = fmt.get("backgroundColor")
        if color:
            background = color_to_hex(color)
        pattern = (fmt.get("numberFormat") or {}).get("pattern")
    kept = [kind, value, background, pattern]
    while kept and kept[-1] is None:
        kept.pop()
    return kept


_ODD_VALUES = st.dictionaries(
    st.sampled_from(["numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"]),
    st.one_of(st.none(), st.just(""), st.just(0), st.booleans(), st.text(max_size=3)),
)


@settings(deadline=None)
@given(
    st.one_of(_cells(), st.fixed_dictionaries({"userEnteredValue": _ODD_VALUES})),
    st.one_of(st.none(), st.just({}), st.fixed_dictionaries({"pattern": st.none() | _PATTERNS})),
)
def test_a_cell_is_kept_as_the_long_way_keeps_it(
    cell: dict[str, Any], number_format: dict[str, Any] | None
) -> None:
    if number_format is not None:
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = number_format
    assert compared(cell) == _compared_the_long_way(cell)


def _read_with_timeline(cells: dict[tuple[int, int], dict[str, Any]]) -> SheetRead:
    return SheetRead(
        spreadsheet_id="s",
        title="t",
        map_id="x",
        sheet_ids={"Plan": 1, "Timeline": 7},
        row_count=100,
        columns={},
        table_header_row=11,
        header={},
        header_raw={},
        header_cells={},
        header_computed={},
        header_notes={},
        timeline=TimelineCells(rows=4, cols=8, cells=cells),
    )


def test_the_remembered_timeline_follows_the_tab_read_each_time() -> None:
    """The remembered Timeline is worked out once for a tab read again unchanged (the
    same JSON), and afresh as soon as one of its cells differs."""
    bar = {"userEnteredFormat": {"backgroundColor": {"red": 0.2, "green": 0.4, "blue": 0.8}}}
    title = {"userEnteredValue": {"stringValue": "Timeline"}, "formattedValue": "Timeline"}
    first = to_state(_read_with_timeline({(0, 0): dict(title), (2, 5): dict(bar)}))
    again = to_state(_read_with_timeline({(0, 0): dict(title), (2, 5): dict(bar)}))
    assert again["timeline"] is first["timeline"]
    heading = [0, 0, ["s", "Timeline"]]
    assert first["timeline"]["cells"] == [heading, [2, 5, [None, None, "#3366cc"]]]
    moved = to_state(_read_with_timeline({(0, 0): dict(title), (2, 6): dict(bar)}))
    assert moved["timeline"]["cells"] == [heading, [2, 6, [None, None, "#3366cc"]]]
    assert to_state(_read_with_timeline({(0, 0): dict(title)}))["timeline"]["cells"] == [heading]


def test_a_row_kept_again_keeps_its_computed_cells_and_each_state_has_its_own() -> None:
    """The same row object (a row read again unchanged) keeps what was worked out of its
    computed cells; another row object is worked out afresh; each state's rows are its
    own to change (a write's cells are folded into them)."""
    health = {"userEnteredValue": {"stringValue": "On track"}}
    row = MilestoneRow(12, "m1", [], {}, {}, {"health": health}, {})
    read = _read_with_timeline({})
    read.rows = [row]
    first = to_state(read)
    first["rows"][0]["computed"]["health"] = ["s", "changed by a write"]
    again = to_state(read)
    assert again["rows"][0]["computed"] == {"health": ["s", "On track"]}
    overdue = {"userEnteredValue": {"stringValue": "Overdue"}}
    read.rows = [MilestoneRow(12, "m1", [], {}, {}, {"health": overdue}, {})]
    assert to_state(read)["rows"][0]["computed"] == {"health": ["s", "Overdue"]}
