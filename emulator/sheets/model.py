"""The spreadsheet model: sheets, their cells and dimensions, and what lives on ranges.

Everything is kept in Google's own JSON shapes, so that reading a spreadsheet back is
mostly a matter of choosing fields:

- a cell is the *input* part of a ``CellData`` (``userEnteredValue``,
  ``userEnteredFormat``, ``note``, ``dataValidation``, ``textFormatRuns``); the
  effective and formatted values are computed when the cell is read (``render.py``);
- a sheet keeps its cells as a list of rows, each a list of cells (``None`` for an empty
  cell), only as far as the data reaches; its rows and columns each have a
  ``DimensionProperties`` dict (``pixelSize``, ``hiddenByUser``), one per grid row or
  column;
- ranges (merges, named and protected ranges, conditional formats, filters, groups)
  are ``GridRange``/``DimensionRange`` dicts that always carry their ``sheetId``;
  developer metadata lives on the spreadsheet with its location.
"""

from __future__ import annotations

import copy
import pickle
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from emulator.sheets import defaults

T = TypeVar("T")
Cell = dict[str, Any]
Json = dict[str, Any]

MAX_ID = 2**31 - 1
FORMAT_VERSION = 1


def random_id(taken: set[int] | None = None) -> int:
    """A positive 31-bit id not in ``taken``, as Google hands out sheet and range ids."""
    taken = taken or set()
    while True:
        value = secrets.randbelow(MAX_ID - 1) + 1
        if value not in taken:
            return value


@dataclass
class Sheet:
    """One tab of a spreadsheet (a grid sheet)."""

    properties: Json
    rows: list[list[Cell | None]] = field(default_factory=list)
    row_props: list[Json] = field(default_factory=list)
    col_props: list[Json] = field(default_factory=list)
    merges: list[Json] = field(default_factory=list)
    conditional_formats: list[Json] = field(default_factory=list)
    protected_ranges: list[Json] = field(default_factory=list)
    basic_filter: Json | None = None
    filter_views: list[Json] = field(default_factory=list)
    banded_ranges: list[Json] = field(default_factory=list)
    row_groups: list[Json] = field(default_factory=list)
    column_groups: list[Json] = field(default_factory=list)

    @classmethod
    def new(
        cls,
        sheet_id: int,
        title: str,
        index: int = 0,
        rows: int = defaults.DEFAULT_ROW_COUNT,
        columns: int = defaults.DEFAULT_COLUMN_COUNT,
    ) -> Sheet:
        props: Json = {
            "sheetId": sheet_id,
            "title": title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": columns},
        }
        return cls(
            properties=props,
            row_props=[{} for _ in range(rows)],
            col_props=[{} for _ in range(columns)],
        )

    # -- properties ----------------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        value: int = self.properties["sheetId"]
        return value

    @property
    def title(self) -> str:
        value: str = self.properties["title"]
        return value

    @property
    def grid(self) -> Json:
        grid: Json = self.properties.setdefault("gridProperties", {})
        return grid

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def column_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    # -- cells -----------------------------------------------------------------------
    def cell(self, row: int, col: int) -> Cell | None:
        if row < len(self.rows):
            line = self.rows[row]
            if col < len(line):
                return line[col]
        return None

    def set_cell(self, row: int, col: int, cell: Cell | None) -> None:
        """Put ``cell`` at (row, col); an empty cell is stored as ``None``."""
        if not cell:
            if row < len(self.rows) and col < len(self.rows[row]):
                self.rows[row][col] = None
            return
        self._place(row, col, cell)

    def writable_cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), created if it is empty (``prune`` drops it if it
        stays empty)."""
        cell = self.cell(row, col)
        if cell is None:
            cell = {}
            self._place(row, col, cell)
        return cell

    def _place(self, row: int, col: int, cell: Cell) -> None:
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        while len(line) <= col:
            line.append(None)
        line[col] = cell

    def prune(self) -> None:
        """Drop trailing empty cells and rows of the stored data (an empty cell inside
        a row may stay as ``{}`` or ``None``; both read as empty)."""
        for line in self.rows:
            while line and not line[-1]:
                line.pop()
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    def data_extent(self) -> tuple[int, int]:
        """(rows, columns) that hold any cell data."""
        self.prune()
        width = max((len(line) for line in self.rows), default=0)
        return len(self.rows), width

    # -- dimensions ------------------------------------------------------------------
    def insert_rows(self, at: int, count: int, inherit: Json | None = None) -> None:
        if at < len(self.rows):
            self.rows[at:at] = [[] for _ in range(count)]
        self.row_props[at:at] = [dict(inherit or {}) for _ in range(count)]
        self.grid["rowCount"] = self.row_count + count

    def delete_rows(self, start: int, end: int) -> None:
        del self.rows[start:end]
        del self.row_props[start:end]
        self.grid["rowCount"] = self.row_count - (end - start)

    def insert_columns(self, at: int, count: int, inherit: Json | None = None) -> None:
        for line in self.rows:
            if at < len(line):
                line[at:at] = [None] * count
        self.col_props[at:at] = [dict(inherit or {}) for _ in range(count)]
        self.grid["columnCount"] = self.column_count + count

    def delete_columns(self, start: int, end: int) -> None:
        for line in self.rows:
            del line[start:end]
        del self.col_props[start:end]
        self.grid["columnCount"] = self.column_count - (end - start)

    def resize(self, rows: int, columns: int) -> None:
        """Set the grid size; data outside the new grid is dropped."""
        if rows < self.row_count:
            self.delete_rows(rows, self.row_count)
        elif rows > self.row_count:
            self.insert_rows(self.row_count, rows - self.row_count)
        if columns < self.column_count:
            self.delete_columns(columns, self.column_count)
        elif columns > self.column_count:
            self.insert_columns(self.column_count, columns - self.column_count)

    # -- persistence -----------------------------------------------------------------
    def to_json(self) -> Json:
        return {
            "properties": copy.deepcopy(self.properties),
            "rows": copy.deepcopy(self.rows),
            "rowProps": _compact_props(self.row_props),
            "colProps": _compact_props(self.col_props),
            "merges": copy.deepcopy(self.merges),
            "conditionalFormats": copy.deepcopy(self.conditional_formats),
            "protectedRanges": copy.deepcopy(self.protected_ranges),
            "basicFilter": copy.deepcopy(self.basic_filter),
            "filterViews": copy.deepcopy(self.filter_views),
            "bandedRanges": copy.deepcopy(self.banded_ranges),
            "rowGroups": copy.deepcopy(self.row_groups),
            "columnGroups": copy.deepcopy(self.column_groups),
        }

    @classmethod
    def from_json(cls, data: Json) -> Sheet:
        data = copy.deepcopy(data)
        props = data["properties"]
        grid = props.get("gridProperties", {})
        return cls(
            properties=props,
            rows=data.get("rows", []),
            row_props=_expand_props(data.get("rowProps", {}), int(grid.get("rowCount", 0))),
            col_props=_expand_props(data.get("colProps", {}), int(grid.get("columnCount", 0))),
            merges=data.get("merges", []),
            conditional_formats=data.get("conditionalFormats", []),
            protected_ranges=data.get("protectedRanges", []),
            basic_filter=data.get("basicFilter"),
            filter_views=data.get("filterViews", []),
            banded_ranges=data.get("bandedRanges", []),
            row_groups=data.get("rowGroups", []),
            column_groups=data.get("columnGroups", []),
        )


def _compact_props(props: list[Json]) -> dict[str, Json]:
    return {str(i): copy.deepcopy(p) for i, p in enumerate(props) if p}


def _expand_props(compact: dict[str, Json], count: int) -> list[Json]:
    props: list[Json] = [{} for _ in range(count)]
    for key, value in compact.items():
        if int(key) < count:
            props[int(key)] = value
    return props


@dataclass
class Spreadsheet:
    """A spreadsheet: properties, sheets, named ranges and developer metadata."""

    spreadsheet_id: str
    properties: Json
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[Json] = field(default_factory=list)
    developer_metadata: list[Json] = field(default_factory=list)

    @classmethod
    def new(cls, spreadsheet_id: str, title: str) -> Spreadsheet:
        """A spreadsheet as Google makes one: a single 1000x26 "Sheet1" with id 0."""
        return cls(
            spreadsheet_id=spreadsheet_id,
            properties=defaults.spreadsheet_properties(title),
            sheets=[Sheet.new(0, "Sheet1")],
        )

    @property
    def title(self) -> str:
        value: str = self.properties.get("title", "")
        return value

    @title.setter
    def title(self, value: str) -> None:
        self.properties["title"] = value

    # -- lookups ---------------------------------------------------------------------
    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        return None

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The sheet called ``title``; Sheets compares names without regard to case."""
        wanted = title.casefold()
        for sheet in self.sheets:
            if sheet.title.casefold() == wanted:
                return sheet
        return None

    def named_range(self, name: str) -> Json | None:
        wanted = name.casefold()
        for named in self.named_ranges:
            if str(named.get("name", "")).casefold() == wanted:
                return named
        return None

    def reindex(self) -> None:
        """Number the sheets by their position, as ``SheetProperties.index`` says."""
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    # -- ids ---------------------------------------------------------------------------
    def new_sheet_id(self) -> int:
        return random_id({s.sheet_id for s in self.sheets})

    def new_protected_range_id(self) -> int:
        taken = {int(p["protectedRangeId"]) for s in self.sheets for p in s.protected_ranges}
        return random_id(taken)

    def new_named_range_id(self) -> str:
        taken = {int(n["namedRangeId"]) for n in self.named_ranges if n["namedRangeId"].isdigit()}
        return str(random_id(taken))

    def new_metadata_id(self) -> int:
        return random_id({int(m["metadataId"]) for m in self.developer_metadata})

    # -- copies and persistence ---------------------------------------------------------
    def clone(self) -> Spreadsheet:
        """A deep copy (what an atomic batchUpdate works on); pickling copies the plain
        JSON-like tree several times faster than ``copy.deepcopy``."""
        twin: Spreadsheet = pickle.loads(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        return twin

    def atomically(self, change: Callable[[Spreadsheet], T]) -> T:
        """``change(self)``, all of it or nothing: if it raises, the spreadsheet gets
        back the content it had before (an atomic ``batchUpdate``, a values write).

        The change works on the spreadsheet itself, with a pickled backup to restore
        from; a working copy swapped in on success did the same at about four times the
        CPU (pickling and unpickling everything, then freeing the old tree)."""
        backup = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            return change(self)
        except BaseException:
            self.replace_with(pickle.loads(backup))
            raise

    def replace_with(self, other: Spreadsheet) -> None:
        """Take over ``other``'s content, keeping this object (others hold references)."""
        self.spreadsheet_id = other.spreadsheet_id
        self.properties = other.properties
        self.sheets = other.sheets
        self.named_ranges = other.named_ranges
        self.developer_metadata = other.developer_metadata

    def copy(self, new_id: str, new_title: str) -> Spreadsheet:
        """A copy under a new id and title (Drive ``files.copy``); sheet ids are kept."""
        twin = self.clone()
        twin.spreadsheet_id = new_id
        twin.title = new_title
        return twin

    def to_json(self) -> Json:
        """Everything about the spreadsheet, for persistence (``from_json`` reverses it)."""
        return {
            "formatVersion": FORMAT_VERSION,
            "spreadsheetId": self.spreadsheet_id,
            "properties": copy.deepcopy(self.properties),
            "sheets": [sheet.to_json() for sheet in self.sheets],
            "namedRanges": copy.deepcopy(self.named_ranges),
            "developerMetadata": copy.deepcopy(self.developer_metadata),
        }

    @classmethod
    def from_json(cls, data: Json) -> Spreadsheet:
        version = data.get("formatVersion", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise ValueError(f"unknown spreadsheet format version {version}")
        return cls(
            spreadsheet_id=data["spreadsheetId"],
            properties=copy.deepcopy(data["properties"]),
            sheets=[Sheet.from_json(s) for s in data.get("sheets", [])],
            named_ranges=copy.deepcopy(data.get("namedRanges", [])),
            developer_metadata=copy.deepcopy(data.get("developerMetadata", [])),
        )
