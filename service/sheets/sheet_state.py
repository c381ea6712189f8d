"""The layout a write is prepared against (:class:`KnownSheet`, the Google
implementation's ``SheetLayout``), and what the backend remembers of it between syncs:
where things are and what the computed cells show, stored as JSON in the MAP's snapshot.

Remembering lets a sync that does not read the sheet (the date rollover at midnight,
DESIGN I8) prepare its write against what it last wrote, as if it had read it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gspread.exceptions import IncorrectCellLabel
from gspread.utils import a1_to_rowcol

import service.sheets.layout as layout
from service.domain.history import Change
from service.sheets.cells import color_to_hex
from service.sheets.reader import MilestoneRow, SheetRead
from service.sheets.timeline_tab import TimelineCells
from service.sheets.writer import WritePlan


@dataclass(frozen=True)
class KnownSheet:
    """A read of the Plan tab (or what we remember of one), its rows matched to
    milestones."""

    read: SheetRead
    row_of: dict[str, int]  # milestone id -> row index
    given_ids: dict[int, str] = field(default_factory=dict)  # row -> id for its ID cell
    # The backend's note for each cell it could not read: (row, col) -> text.
    notes: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def time_zone(self) -> str:
        return self.read.time_zone

    def remembered(self) -> dict[str, Any]:
        return to_state(self.read)

    def row_of_change(self, change: Change) -> int | None:
        if change.milestone_id is not None:
            return self.row_of.get(change.milestone_id)
        position = self.read.header_cells.get(change.field)
        return position[0] if position is not None else None

    def row_of_edit(self, tab: str, cell: str) -> int | None:
        if tab != layout.PLAN_TAB:
            return None
        try:
            row, _ = a1_to_rowcol(cell.split(":")[0])
        except IncorrectCellLabel:  # not a cell: the edit names no row we know
            return None
        return int(row) - 1


def recall(state: Mapping[str, Any]) -> KnownSheet:
    """The layout remembered in ``state`` (:func:`to_state`)."""
    read = from_state(state)
    # The sheet as we left it carries our write token (provisioning stamps the first).
    read.write_token = ""
    return KnownSheet(read, row_of={r.id: r.row for r in read.rows if r.id})


def to_state(read: SheetRead, written: WritePlan | None = None) -> dict[str, Any]:
    """``read`` as JSON, with the cells ``written`` applied on top."""
    rows = {r.row: r for r in read.rows}
    computed = _compact_computed(read.rows)
    header_computed = {k: compared(c) for k, c in read.header_computed.items()}
    ids = {r.row: r.id for r in read.rows}
    metadata = {r.row: [list(m) for m in r.row_metadata] for r in read.rows}
    if written is not None:
        _apply(written, read, computed, header_computed, ids)
        _apply_metadata(written, read.plan_sheet_id, metadata)
    return {
        "spreadsheet_id": read.spreadsheet_id,
        "time_zone": read.time_zone,
        "title": read.title,
        "map_id": read.map_id,
        "sheet_ids": read.sheet_ids,
        "row_count": read.row_count,
        "columns": read.columns,
        "table_header_row": read.table_header_row,
        "header_cells": {k: list(v) for k, v in read.header_cells.items()},
        "header_computed": header_computed,
        # A write that appended reviews leaves the Reviews rows unknown until a read.
        "review_rows": {} if _appends_reviews(written, read) else read.review_rows,
        "locale": read.locale,
        "timeline": _timeline_after(read, written),
        "rows": [
            {
                "row": index,
                "id": ids.get(index),
                "metadata": metadata.get(index, []),
                "computed": computed.get(index, {}),
            }
            for index in sorted(rows)
        ],
    }


def compared(cell: Mapping[str, Any]) -> list[Any]:
    """Of a computed cell (as read, or as a write set it), what deciding whether to write
    it again looks at (``cells.shows``: the value, the background, the number format's
    pattern), compactly: ``[kind, value, background "#rrggbb", pattern]``, trailing
    Nones left out. The remembered layout holds every computed cell of the plan: as
    Google's CellData it was about 800 bytes a milestone, most of a snapshot."""
    entered = cell.get("userEnteredValue")
    kind = value = background = pattern = None
    if entered:
        if len(entered) == 1:  # as Google gives it: one kind of value
            for key in entered:
                kind = _VALUE_KINDS.get(key)
                if kind is not None:
                    value = entered[key]
        else:
            for key, short in _VALUE_KINDS.items():
                if key in entered:
                    kind, value = short, entered[key]
                    break
    fmt = cell.get("userEnteredFormat")
    if fmt:
        color = fmt.get("backgroundColor")
        if color:
            background = _hex(color.get("red", 0), color.get("green", 0), color.get("blue", 0))
        number = fmt.get("numberFormat")
        if number:
            pattern = number.get("pattern")
    # Trailing Nones left out (asked of every computed and Timeline cell: no loop).
    if pattern is not None:
        return [kind, value, background, pattern]
    if background is not None:
        return [kind, value, background]
    if value is not None:
        return [kind, value]
    return [] if kind is None else [kind]


@lru_cache(maxsize=256)
def _hex(red: float, green: float, blue: float) -> str | None:
    # A sheet holds a handful of colours: each is worked out once.
    return color_to_hex({"red": red, "green": green, "blue": blue})


@lru_cache(maxsize=256)
def _color(background: str) -> tuple[tuple[str, float], ...]:
    text = background.lstrip("#")
    return tuple((name, int(text[i : i + 2], 16) / 255) for name, i in _CHANNELS)


_CHANNELS = (("red", 0), ("green", 2), ("blue", 4))


def remembered_cell(kept: Any) -> dict[str, Any]:
    """The CellData a remembered computed cell stands for (:func:`compared`; a snapshot
    from before kept the CellData itself, which is taken as it is)."""
    if isinstance(kept, Mapping):
        return dict(kept)
    kind, value, background, pattern = [*kept, None, None, None, None][:4]
    cell: dict[str, Any] = {}
    if kind is not None:
        cell["userEnteredValue"] = {_KIND_KEYS[kind]: value}
    fmt: dict[str, Any] = {}
    if background is not None:
        # Every component written out, black too: a colour is present, as it was read.
        fmt["backgroundColor"] = dict(_color(background))
    if pattern is not None:
        fmt["numberFormat"] = {"pattern": pattern}
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


_VALUE_KINDS = {"numberValue": "n", "stringValue": "s", "boolValue": "b", "formulaValue": "f"}
_KIND_KEYS = {short: key for key, short in _VALUE_KINDS.items()}


def from_state(state: Mapping[str, Any]) -> SheetRead:
    """A :class:`SheetRead` standing for the sheet as we last left it."""
    read = SheetRead(
        spreadsheet_id=state["spreadsheet_id"],
        title=state.get("title", ""),
        map_id=state.get("map_id"),
        sheet_ids=dict(state["sheet_ids"]),
        row_count=int(state.get("row_count", 1000)),
        columns=dict(state["columns"]),
        table_header_row=int(state["table_header_row"]),
        header={},
        header_raw={},
        header_cells={k: (int(v[0]), int(v[1])) for k, v in state["header_cells"].items()},
        header_computed={
            k: remembered_cell(v) for k, v in state.get("header_computed", {}).items()
        },
        header_notes={},
        time_zone=str(state.get("time_zone", "Etc/GMT")),
        review_rows={str(k): [int(r) for r in v] for k, v in state.get("review_rows", {}).items()},
        locale=str(state.get("locale") or "en_US"),
        timeline=_timeline_of(state.get("timeline")),
    )
    for item in state.get("rows", []):
        read.rows.append(
            MilestoneRow(
                row=int(item["row"]),
                id=item.get("id"),
                row_metadata=[(int(m[0]), str(m[1])) for m in item.get("metadata", [])],
                inputs={},
                raw={},
                computed={k: remembered_cell(v) for k, v in item.get("computed", {}).items()},
                notes={},
            )
        )
    return read


def _timeline_of(remembered: Any) -> TimelineCells | None:
    if remembered is None:
        return None
    return TimelineCells.from_json(remembered, remembered_cell)


def _timeline_after(read: SheetRead, written: WritePlan | None) -> dict[str, Any] | None:
    """The Timeline tab as the write leaves it (as read when the write leaves it alone),
    each cell kept as :func:`compared` keeps a computed cell of the Plan tab: what
    deciding whether to write it again looks at. As Google's CellData the tab's cells
    were about four fifths of a snapshot; a snapshot from before, with CellData, is read
    as it is (:func:`remembered_cell`)."""
    if written is not None and written.timeline is not None:
        return _compact_timeline(written.timeline)
    return _compact_timeline(read.timeline) if read.timeline is not None else None


class _LastRows(threading.local):
    """The rows this thread kept last (by row index: the row read, its computed cells as
    :func:`compared` keeps them)."""

    def __init__(self) -> None:
        self.kept: dict[int, tuple[MilestoneRow, dict[str, list[Any]]]] = {}


_last_rows = _LastRows()


def _compact_computed(rows: list[MilestoneRow]) -> dict[int, dict[str, list[Any]]]:
    """Each row's computed cells as :func:`compared` keeps them, taken again for a row
    that is the very one this thread kept last (the reader gives the same row again for a
    row read again unchanged, ``reader._read_rows``). Each row's dict is a copy: the
    write's cells are folded into it (``_apply``)."""
    last = _last_rows.kept
    now: dict[int, tuple[MilestoneRow, dict[str, list[Any]]]] = {}
    for r in rows:
        kept = last.get(r.row)
        if kept is None or kept[0] is not r:
            kept = (r, {k: compared(c) for k, c in r.computed.items()})
        now[r.row] = kept
    _last_rows.kept = now
    return {row: dict(cells) for row, (_, cells) in now.items()}


class _LastTimeline(threading.local):
    """The last Timeline tab this thread kept (its cells) and what it kept of it."""

    cells: TimelineCells | None = None
    kept: dict[str, Any] | None = None


_last_timeline = _LastTimeline()


def _compact_timeline(cells: TimelineCells) -> dict[str, Any]:
    """``cells.to_json(compared)``, taken again from the last call of this thread when
    the cells are equal to that call's (most syncs leave the tab as it was: the same
    cells, read again). The JSON returned is shared with later calls: it is stored and
    held, never changed."""
    last = _last_timeline
    if last.kept is None or (last.cells is not cells and last.cells != cells):
        last.kept = cells.to_json(compared)
        last.cells = cells
    return last.kept


def _appends_reviews(written: WritePlan | None, read: SheetRead) -> bool:
    reviews = read.sheet_ids.get(layout.REVIEWS_TAB)
    return written is not None and any(
        r.get("appendCells", {}).get("sheetId") == reviews for r in written.requests
    )


def _apply(
    written: WritePlan,
    read: SheetRead,
    computed: dict[int, dict[str, Any]],
    header_computed: dict[str, Any],
    ids: dict[int, str | None],
) -> None:
    """Fold the cells a write sets into the remembered computed cells."""
    by_col = {col: key for key, col in read.columns.items()}
    header_at = {tuple(pos): key for key, pos in read.header_cells.items()}
    plan_sheet = read.plan_sheet_id
    for request in written.requests:
        body = request.get("updateCells")
        if body is None or body["range"]["sheetId"] != plan_sheet:
            continue
        if body.get("fields") == "note":
            continue
        row = body["range"]["startRowIndex"]
        first_col = body["range"]["startColumnIndex"]
        for offset, cell in enumerate(body["rows"][0]["values"]):
            col = first_col + offset
            header_key = header_at.get((row, col))
            if header_key is not None:
                header_computed[header_key] = compared(cell)
                continue
            key = by_col.get(col)
            if key == "id":
                ids[row] = cell.get("userEnteredValue", {}).get("stringValue")
            elif key in layout.COMPUTED_COLUMNS:
                computed.setdefault(row, {})[key] = compared(cell)


def _apply_metadata(
    written: WritePlan, plan_sheet: int, metadata: dict[int, list[list[Any]]]
) -> None:
    """Row metadata after the write: deleted entries gone, created ones present (with id
    0: Google picks the real id, which only matters to a later delete, after a read)."""
    deleted = set()
    for request in written.requests:
        lookup = request.get("deleteDeveloperMetadata", {}).get("dataFilter", {})
        metadata_id = lookup.get("developerMetadataLookup", {}).get("metadataId")
        if metadata_id is not None:
            deleted.add(metadata_id)
    for row, items in metadata.items():
        metadata[row] = [m for m in items if m[0] not in deleted]
    for request in written.requests:
        created = request.get("createDeveloperMetadata", {}).get("developerMetadata")
        if not created or created.get("metadataKey") != layout.MILESTONE_KEY:
            continue
        where = created["location"]["dimensionRange"]
        if where["sheetId"] == plan_sheet:
            metadata.setdefault(where["startIndex"], []).append([0, created["metadataValue"]])
