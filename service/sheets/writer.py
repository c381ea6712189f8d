"""Plan the one ``batchUpdate`` a sync makes: only the cells that change.

Given what was read (:class:`SheetRead`) and what should be shown, :func:`plan_write`
returns the requests and, for verification, what the key cells must hold after the
write: the ID cell of every milestone row written to (and the title of a row given an
ID), and the label of every header row written to. The write asks Google for those
cells in its own response; if rows were inserted, deleted or sorted between our read and
our write they differ, and the sync runs again (DESIGN I3).

Only computed cells, notes the backend owns, row metadata and the empty ID cell of a
row a person added are ever written on the Plan tab (DESIGN I2).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gspread.utils import rowcol_to_a1

import service.sheets.layout as layout
import service.sheets.requests as rq
from service.domain.timeline import Timeline
from service.sheets.cell_values import cell_text, date_pattern
from service.sheets.cells import COMPUTED_FIELDS, cell_data, shown_cell, shows, shows_shown
from service.sheets.errors import LayoutChanged
from service.sheets.layout_upgrade import needs_upgrade, upgrade_requests
from service.sheets.reader import MilestoneRow, SheetRead
from service.sheets.render import Shown
from service.sheets.row_format import milestone_row_format
from service.sheets.timeline_tab import TimelineCells
from service.sheets.timeline_write import timeline_write


@dataclass
class WritePlan:
    requests: list[dict[str, Any]] = field(default_factory=list)
    # (row, col) -> text the cell must hold right after the write
    expected: dict[tuple[int, int], str] = field(default_factory=dict)
    cells_written: int = 0  # computed cells of the Plan tab
    # What the Timeline tab shows after the write, when the write changes it.
    timeline: TimelineCells | None = None

    def __bool__(self) -> bool:
        return bool(self.requests)


def plan_write(
    read: SheetRead,
    *,
    milestones: Mapping[int, tuple[str, Mapping[str, Shown]]],
    header: Mapping[str, Shown] | None,
    new_ids: Mapping[int, str],
    notes: Mapping[tuple[int, int], str],
    history_rows: Sequence[Sequence[str]] = (),
    review_rows: Sequence[Sequence[str]] = (),
    review_day: str | None = None,
    timeline: Timeline | None = None,
) -> WritePlan:
    """The requests that bring the sheet to show ``milestones`` (row -> (id, cells)) and
    ``header``, give IDs to new rows, set ``notes`` on unreadable cells (clearing the
    backend's stale ones) and append history and review rows. The review rows replace
    those of ``review_day`` already there (one review a day). ``timeline``: what the
    Timeline tab shows (its cells that differ; the grid resized first when the weeks or
    rows changed in number)."""
    plan = WritePlan()
    sheet_id = read.plan_sheet_id
    id_col = read.columns["id"]
    rows_by_index = {r.row: r for r in read.rows}
    pattern = date_pattern(read.locale)

    for row_index, milestone_id in sorted(new_ids.items()):
        plan.requests.append(
            rq.update_cells(
                sheet_id, row_index, id_col, [cell_data(milestone_id)], "userEnteredValue"
            )
        )
        # A row people added looks like the plan's other rows from now on (the spare
        # rows under the table are not formatted ahead: ``row_format``).
        plan.requests.extend(milestone_row_format(sheet_id, row_index, read.columns))
        plan.expected[(row_index, id_col)] = milestone_id
        # The ID cell holds what this write puts there wherever the row went, so it
        # proves nothing: the row's title must still be where it was read.
        given = rows_by_index.get(row_index)
        if given is not None:
            plan.expected[(row_index, read.columns["title"])] = given.raw.get("title", "").strip()

    compared: dict[int, _Compared] = {}
    for row_index, (milestone_id, cells) in sorted(milestones.items()):
        row = rows_by_index.get(row_index)
        # Compared as shown, the CellData built only for the cells that differ.
        changed = _changed_cells(row_index, row, cells, pattern, compared)
        if changed:
            wanted = {key: shown_cell(cells[key], pattern) for key in changed}
            _write_runs(plan, sheet_id, row_index, read.columns, changed, wanted)
            plan.expected[(row_index, id_col)] = milestone_id
        if row is not None:
            _fix_row_metadata(plan, sheet_id, row_index, milestone_id, row.row_metadata)
        elif row_index in new_ids:
            plan.requests.append(
                rq.create_row_metadata(sheet_id, row_index, layout.MILESTONE_KEY, milestone_id)
            )

    _last_compared.rows = compared
    for row_index in read.stray_rows:
        if row_index in milestones or row_index in new_ids:
            continue
        cols = [read.columns[k] for k in layout.COMPUTED_COLUMNS]
        if cols == list(range(min(cols), min(cols) + len(cols))):
            plan.requests.append(
                rq.update_cells(sheet_id, row_index, min(cols), [{}] * len(cols), COMPUTED_FIELDS)
            )
        else:
            for col in cols:
                plan.requests.append(
                    rq.update_cells(sheet_id, row_index, col, [{}], COMPUTED_FIELDS)
                )

    if header is not None:
        _write_header(plan, read, header)
    _write_notes(plan, read, notes)

    if layout.HISTORY_TAB in read.sheet_ids:
        _write_history(plan, read, history_rows)
    if review_rows and layout.REVIEWS_TAB in read.sheet_ids:
        reviews = read.sheet_ids[layout.REVIEWS_TAB]
        for start, end in _runs_bottom_up(read.review_rows.get(review_day or "", [])):
            plan.requests.append(rq.delete_rows(reviews, start, end))
        plan.requests.append(_append_reviews(reviews, review_rows, date_pattern(read.locale)))
    if timeline is not None and read.timeline is not None:
        _write_timeline(plan, read, timeline)
    if needs_upgrade(read):
        plan.requests.extend(upgrade_requests(read))
    return plan


class _LastCompared(threading.local):
    """The computed cells of the last plan this thread compared, by row index: the row as
    read, what its cells had to show, in which date pattern, and which of them did not
    show it."""

    def __init__(self) -> None:
        self.rows: dict[int, _Compared] = {}


_Compared = tuple[MilestoneRow, Mapping[str, Shown], str, list[str]]
_last_compared = _LastCompared()


def _changed_cells(
    index: int,
    row: MilestoneRow | None,
    cells: Mapping[str, Shown],
    pattern: str,
    compared: dict[int, _Compared],
) -> list[str]:
    """The computed columns of the row at ``index`` (``row``: as read; None: not read)
    whose cell does not show what ``cells`` says, kept in ``compared``. For the very row
    the reader gave last time (a row read again unchanged, ``reader._read_rows``), to
    show what it had to show then, the answer is the same: taken again."""
    if row is None:
        return [
            key for key in layout.COMPUTED_COLUMNS if not shows_shown(None, cells[key], pattern)
        ]
    kept = _last_compared.rows.get(index)
    if kept is None or kept[0] is not row or kept[2] != pattern or kept[1] != cells:
        current = row.computed
        changed = [
            key
            for key in layout.COMPUTED_COLUMNS
            if not shows_shown(current.get(key), cells[key], pattern)
        ]
        kept = (row, cells, pattern, changed)
    compared[index] = kept
    return list(kept[3])


def _append_reviews(sheet_id: int, rows: Sequence[Sequence[str]], pattern: str) -> dict[str, Any]:
    """The review's rows, its date (first column, ISO in ``rows``) a date cell shown in
    the spreadsheet locale's order, the rest text."""
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [
                {"values": [_review_date(row[0], pattern), *(cell_data(t) for t in row[1:])]}
                for row in rows
                if row
            ],
            "fields": "userEnteredValue,userEnteredFormat",
        }
    }


def _review_date(text: str, pattern: str) -> dict[str, Any]:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return cell_data(text)
    return cell_data(day, date_pattern=pattern)


def _write_timeline(plan: WritePlan, read: SheetRead, timeline: Timeline) -> None:
    assert read.timeline is not None
    sheet_id = read.sheet_ids[layout.TIMELINE_TAB]
    wanted, requests = timeline_write(sheet_id, read.timeline, timeline, read.locale)
    if requests:
        plan.requests.extend(requests)
        plan.timeline = wanted


def _runs_bottom_up(rows: Sequence[int]) -> list[tuple[int, int]]:
    """``rows`` as runs of consecutive rows (start, end exclusive), the lowest run first
    deleted last, so that deleting one does not move the next."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and runs[-1][1] == row:
            runs[-1] = (runs[-1][0], row + 1)
        else:
            runs.append((row, row + 1))
    return runs[::-1]


def _write_history(plan: WritePlan, read: SheetRead, rows: Sequence[Sequence[str]]) -> None:
    """Append the history rows whose event is not on the History tab yet, and delete the
    second and later rows of an event found there twice (a write whose outcome was never
    learned that landed after the sync was redone)."""
    sheet_id = read.sheet_ids[layout.HISTORY_TAB]
    col = layout.HISTORY_EVENT_COL
    doubled = sorted(
        (row for rows_of in read.history_events.values() for row in rows_of[1:]), reverse=True
    )
    for row in doubled:
        plan.requests.append(rq.delete_rows(sheet_id, row, row + 1))
    fresh = [r for r in rows if len(r) <= col or r[col] not in read.history_events]
    if fresh:
        plan.requests.append(rq.append_text_rows(sheet_id, fresh))
        if not read.history_event_header:  # a tab made before the column was
            header = layout.HISTORY_HEADERS[col]
            plan.requests.append(
                rq.update_cells(sheet_id, 0, col, [cell_data(header)], "userEnteredValue")
            )


def _write_runs(
    plan: WritePlan,
    sheet_id: int,
    row: int,
    columns: Mapping[str, int],
    keys: Sequence[str],
    wanted: Mapping[str, dict[str, Any]],
) -> None:
    """One updateCells per run of adjacent changed columns."""
    ordered = sorted(keys, key=lambda k: columns[k])
    run: list[str] = []
    for key in ordered:
        if run and columns[key] != columns[run[-1]] + 1:
            _flush(plan, sheet_id, row, columns, run, wanted)
            run = []
        run.append(key)
    if run:
        _flush(plan, sheet_id, row, columns, run, wanted)


def _flush(
    plan: WritePlan,
    sheet_id: int,
    row: int,
    columns: Mapping[str, int],
    run: Sequence[str],
    wanted: Mapping[str, dict[str, Any]],
) -> None:
    plan.requests.append(
        rq.update_cells(sheet_id, row, columns[run[0]], [wanted[k] for k in run], COMPUTED_FIELDS)
    )
    plan.cells_written += len(run)


def _fix_row_metadata(
    plan: WritePlan,
    sheet_id: int,
    row: int,
    milestone_id: str,
    metadata: Sequence[tuple[int, str]],
) -> None:
    """Keep exactly one milestone metadata on the row, naming the row's milestone (a
    sort moves cell values but not row metadata)."""
    if [value for _, value in metadata] == [milestone_id]:
        return
    for metadata_id, _ in metadata:
        plan.requests.append(rq.delete_metadata(metadata_id))
    plan.requests.append(rq.create_row_metadata(sheet_id, row, layout.MILESTONE_KEY, milestone_id))


def _write_header(plan: WritePlan, read: SheetRead, header: Mapping[str, Shown]) -> None:
    pattern = date_pattern(read.locale)
    for key, shown in header.items():
        cell = shown_cell(shown, pattern)
        position = read.header_cells.get(key)
        if position is None or shows(read.header_computed.get(key), cell):
            continue
        row, col = position
        plan.requests.append(rq.update_cells(read.plan_sheet_id, row, col, [cell], COMPUTED_FIELDS))
        plan.expected[(row, layout.LABEL_COL)] = layout.HEADER_BY_KEY[key].label
        plan.cells_written += 1


def _write_notes(plan: WritePlan, read: SheetRead, notes: Mapping[tuple[int, int], str]) -> None:
    """Set the backend's note on unreadable cells; clear its notes that no longer apply."""
    current: dict[tuple[int, int], str] = {}
    for row in read.rows:
        for key, note in row.notes.items():
            current[(row.row, read.columns[key])] = note
    for key, (row_index, col) in read.header_cells.items():
        if read.header_notes.get(key):
            current[(row_index, col)] = read.header_notes[key]
    for (row_index, col), note in sorted(notes.items()):
        if current.get((row_index, col)) != note:
            plan.requests.append(rq.set_note(read.plan_sheet_id, row_index, col, note))
    for (row_index, col), note in sorted(current.items()):
        if note.startswith(layout.BACKEND_NOTE_PREFIXES) and (row_index, col) not in notes:
            plan.requests.append(rq.set_note(read.plan_sheet_id, row_index, col, ""))


def verify_ranges(plan: WritePlan) -> list[str]:
    """The cells to ask back from Google with the write: the key cells in ``expected``."""
    if not plan.expected:
        return []
    last_row = max(row for row, _ in plan.expected) + 1
    last_col = max(col for _, col in plan.expected) + 1
    return [f"'{layout.PLAN_TAB}'!A1:{rowcol_to_a1(last_row, last_col)}"]


def check_written(response: dict[str, Any], plan: WritePlan) -> None:
    """:class:`LayoutChanged` unless every key cell in ``plan.expected`` holds what we
    expected right after the write (else rows moved under us between read and write)."""
    if not plan.expected:
        return
    spreadsheet = response.get("updatedSpreadsheet") or {}
    sheet = next(
        (s for s in spreadsheet.get("sheets", []) if s["properties"]["title"] == layout.PLAN_TAB),
        None,
    )
    if sheet is None:
        raise LayoutChanged("the write's reply did not include the Plan tab")
    cells: dict[tuple[int, int], str] = {}
    for block in sheet.get("data", []):
        start_row = block.get("startRow", 0)
        start_col = block.get("startColumn", 0)
        for r, row in enumerate(block.get("rowData", [])):
            for c, cell in enumerate(row.get("values", [])):
                cells[(start_row + r, start_col + c)] = cell_text(cell).strip()
    moved = [pos for pos, text in plan.expected.items() if cells.get(pos, "") != text]
    if moved:
        row, col = moved[0]
        raise LayoutChanged(
            f"{rowcol_to_a1(row + 1, col + 1)} holds {cells.get((row, col), '')!r}, "
            f"expected {plan.expected[(row, col)]!r}: rows moved during the sync"
        )
