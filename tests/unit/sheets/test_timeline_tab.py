"""Planning the Timeline tab's part of a write (``service.sheets.timeline_tab``): only
what differs, the grid resized and the rules put back when the weeks or rows change in
number, and the remembered form a rollover plans against (each cell as
``sheet_state.compared`` keeps it)."""

from __future__ import annotations

from datetime import date, timedelta

from service.domain.timeline import Span, Timeline, TimelineRow
from service.sheets.sheet_state import compared, remembered_cell
from service.sheets.timeline_tab import (
    FIRST_ROW,
    FIRST_WEEK_COL,
    TimelineCells,
    wanted_cells,
    week_pattern,
    write_requests,
)

MONDAY = date(2027, 3, 1)
SHEET = 1005


def a_timeline(weeks: int = 4, rows: int = 2, end: date = MONDAY + timedelta(days=4)) -> Timeline:
    return Timeline(
        rows=tuple(
            TimelineRow(f"m{i}", f"Step {i}", Span(MONDAY, end), Span(MONDAY, end))
            for i in range(rows)
        ),
        weeks=tuple(MONDAY + timedelta(weeks=i) for i in range(weeks)),
        committed_go_live=MONDAY + timedelta(weeks=weeks - 1, days=2),
        projected_go_live=MONDAY + timedelta(weeks=weeks - 1, days=2),
    )


def kinds(requests: list[dict]) -> list[str]:
    return [next(iter(r)) for r in requests]


def test_a_tab_that_shows_the_timeline_needs_no_request() -> None:
    wanted = wanted_cells(a_timeline(), "en_US")
    same = TimelineCells.from_json(wanted.to_json())
    assert write_requests(SHEET, same, wanted) == []


def test_a_blank_tab_is_resized_ruled_and_filled() -> None:
    wanted = wanted_cells(a_timeline(weeks=4, rows=2), "en_US")
    assert (wanted.rows, wanted.cols) == (FIRST_ROW + 2, FIRST_WEEK_COL + 4)
    requests = write_requests(SHEET, TimelineCells(1000, 26), wanted)
    assert kinds(requests)[0] == "updateSheetProperties"
    grid = requests[0]["updateSheetProperties"]["properties"]["gridProperties"]
    assert grid == {"rowCount": 5, "columnCount": 9}
    added = [r["addConditionalFormatRule"] for r in requests if "addConditionalFormatRule" in r]
    assert [a["index"] for a in added] == [0, 1, 2, 3, 4]
    for rule in added:
        [where] = rule["rule"]["ranges"]
        assert (where["endRowIndex"], where["endColumnIndex"]) == (5, 9)
    assert kinds(requests).count("updateCells") == FIRST_ROW + 2


def test_a_slip_rewrites_only_the_rows_that_changed_and_the_grid_when_weeks_are_added() -> None:
    before = wanted_cells(a_timeline(weeks=4), "en_US")
    later = a_timeline(weeks=6, end=MONDAY + timedelta(weeks=5))
    requests = write_requests(SHEET, before, wanted_cells(later, "en_US"))
    assert kinds(requests)[0] == "updateSheetProperties"
    deleted = [r["deleteConditionalFormatRule"]["index"] for r in requests if "deleteCon" in str(r)]
    assert deleted == [4, 3, 2, 1, 0], "the old rules go, the last first"
    rows = sorted(
        r["updateCells"]["range"]["startRowIndex"] for r in requests if "updateCells" in r
    )
    # The go-live dates (row 1), the header's new weeks (row 2) and both milestone rows.
    assert rows == [1, 2, FIRST_ROW, FIRST_ROW + 1]


def test_week_dates_follow_the_locales_order_of_day_and_month() -> None:
    assert week_pattern("en_US") == "mmm d"
    assert week_pattern("de_DE") == "d mmm"
    cell = wanted_cells(a_timeline(), "en_GB").cells[(2, FIRST_WEEK_COL)]
    assert cell["userEnteredFormat"]["numberFormat"]["pattern"] == "d mmm"


def test_the_tab_remembered_compactly_plans_the_write_the_tab_as_read_plans() -> None:
    read = wanted_cells(a_timeline(weeks=4), "en_US")
    for cell in read.cells.values():  # as Google returns it: with what it shows
        cell["formattedValue"] = "shown"
    read.cells[(FIRST_ROW, 0)]["userEnteredFormat"] = {"textFormat": {"bold": True}}
    remembered = TimelineCells.from_json(read.to_json(compared), remembered_cell)
    assert len(str(read.to_json(compared))) < len(str(read.to_json())) / 2
    for later in (a_timeline(weeks=4), a_timeline(weeks=6, end=MONDAY + timedelta(weeks=5))):
        for locale in ("en_US", "de_DE"):
            wanted = wanted_cells(later, locale)
            assert write_requests(SHEET, remembered, wanted) == write_requests(SHEET, read, wanted)
