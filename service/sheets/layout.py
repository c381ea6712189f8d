"""Where everything lives in a MAP spreadsheet.

The Plan tab has a header block (labels in column B, values in column C) and, below it,
the milestone table. Every column and header field has one owner:

- ``input``: typed by people; the backend never writes a value into such a cell once it
  holds one (DESIGN I2);
- ``computed``: written by the backend (protected, warning only, grey header);
- ``key``: the hidden milestone ID column, written by the backend only into the empty
  ID cell of a row a person added.

The reader does not trust positions: it finds header fields by their label and table
columns by their header text, so a row inserted into the header block or a column
people added does not confuse it. Positions below are where provisioning puts things.

See ``docs/sheet-layout.md`` for the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache


class CellOwner(StrEnum):
    INPUT = "input"
    COMPUTED = "computed"
    KEY = "key"


class CellKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    NUMBER = "number"


PLAN_TAB = "Plan"
HISTORY_TAB = "History"
REVIEWS_TAB = "Reviews"
GUIDE_TAB = "How to use"
TIMELINE_TAB = "Timeline"

# Developer metadata keys.
MAP_ID_KEY = "map.id"  # spreadsheet level: the MAP's id
LAYOUT_KEY = "map.layout"  # spreadsheet level: layout version
MILESTONE_KEY = "map.milestone"  # row level: the milestone id of that row
WRITE_TOKEN_KEY = "map.write"  # spreadsheet level: token of the backend's last write
LAYOUT_VERSION = "2"
# Spreadsheet level: set once the MAP has had a Timeline tab (so a missing one was deleted).
TIMELINE_KEY = "map.timeline"

# Prefix of the notes the backend puts on cells it could not read; only such notes
# are ever cleared by the backend (a person's own notes are left alone).
NOTE_PREFIX = "MAP could not read this: "
# The backend's note on a cell it read by a guess (an ambiguous date); cleared, as the
# other, when it no longer applies.
NOTICE_PREFIX = "MAP read this by the spreadsheet's locale: "
BACKEND_NOTE_PREFIXES = (NOTE_PREFIX, NOTICE_PREFIX)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    owner: CellOwner
    kind: CellKind
    width: int


# The milestone table, left to right, as provisioned. Widths in pixels: everything up
# to Health fits in GRID_PX_AT_1280 (long text wraps instead of widening its column);
# column C (Side) also holds the header block's values, so it fits a date.
COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", CellOwner.KEY, CellKind.TEXT, 60),  # hidden
    Column("title", "Milestone", CellOwner.INPUT, CellKind.TEXT, 190),
    Column("side", "Side", CellOwner.INPUT, CellKind.CHOICE, 100),
    Column("owner", "Owner", CellOwner.INPUT, CellKind.TEXT, 160),
    Column("deliverable", "Deliverable", CellOwner.INPUT, CellKind.TEXT, 95),
    Column("due", "Due", CellOwner.INPUT, CellKind.DATE, 90),
    Column("status", "Status", CellOwner.INPUT, CellKind.CHOICE, 100),
    Column("completed_on", "Completed on", CellOwner.INPUT, CellKind.DATE, 95),
    Column("notes", "Notes", CellOwner.INPUT, CellKind.TEXT, 100),
    Column("target", "Target date", CellOwner.COMPUTED, CellKind.DATE, 90),
    Column("projected", "Projected date", CellOwner.COMPUTED, CellKind.DATE, 105),
    Column("health", "Health", CellOwner.COMPUTED, CellKind.TEXT, 80),
    Column("risk", "Risk", CellOwner.COMPUTED, CellKind.TEXT, 300),
)
# What the Sheets grid leaves for columns in a 1280 px wide window: less the row numbers
# (46 px) and the vertical scroll bar (about 16 px).
GRID_PX_AT_1280 = 1280 - 46 - 16
# The columns people must see without scrolling sideways at that width.
FIRST_SCREEN_COLUMNS = ("title", "owner", "status", "target", "projected", "health")
# Table columns whose text wraps (long titles, owners and risks grow the row), and
# those cut off at the column's edge (long deliverables and notes: read whole in the
# cell, they would make every row tall). Every table cell is aligned to the top.
WRAPPED_COLUMNS = ("title", "owner", "risk")
CLIPPED_COLUMNS = ("deliverable", "notes")
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
INPUT_COLUMNS = tuple(c.key for c in COLUMNS if c.owner is CellOwner.INPUT)
COMPUTED_COLUMNS = tuple(c.key for c in COLUMNS if c.owner is CellOwner.COMPUTED)

# Other header texts people might use for a column (matched case-insensitively).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("milestone", "step", "task", "action"),
    "owner": ("owner", "owners", "who"),
    "due": ("due", "due date", "committed date"),
    "status": ("status", "state"),
    "completed_on": ("completed on", "completed", "done on", "date completed"),
    "target": ("target date", "target"),
    "projected": ("projected date", "projected", "forecast"),
    "notes": ("notes", "comments", "note"),
}


@dataclass(frozen=True)
class HeaderField:
    key: str
    label: str
    owner: CellOwner
    kind: CellKind
    row: int  # 0-based row where provisioning puts it


# The header block: label in column B, value in column C (0-based columns 1 and 2).
LABEL_COL = 1
VALUE_COL = 2
HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField("account", "Account", CellOwner.INPUT, CellKind.TEXT, 1),
    HeaderField("outcome", "Outcome (why)", CellOwner.INPUT, CellKind.TEXT, 2),
    HeaderField("go_live", "Committed Go-Live", CellOwner.INPUT, CellKind.DATE, 3),
    HeaderField("projected_go_live", "Projected Go-Live", CellOwner.COMPUTED, CellKind.DATE, 4),
    HeaderField("slip_bd", "Slip (business days)", CellOwner.COMPUTED, CellKind.NUMBER, 5),
    HeaderField("health", "Deal health", CellOwner.COMPUTED, CellKind.TEXT, 6),
    HeaderField("top_risks", "Top risks", CellOwner.COMPUTED, CellKind.TEXT, 7),
    HeaderField("last_review", "Last review", CellOwner.COMPUTED, CellKind.DATE, 8),
    HeaderField("next_step", "Next step", CellOwner.COMPUTED, CellKind.TEXT, 9),
)
HEADER_BY_KEY = {f.key: f for f in HEADER_FIELDS}
# "Reason for change" sits beside Committed Go-Live: label in D, value in E.
REASON_LABEL = "Reason for change"
REASON_LABEL_COL = 3
REASON_VALUE_COL = 4

TITLE_ROW = 0
# The sheet's title (column B of TITLE_ROW) starts with this, then the account.
TITLE_PREFIX = "Mutual Action Plan · "
TABLE_HEADER_ROW = 11  # 0-based; milestones start on the row after it
FIRST_MILESTONE_ROW = TABLE_HEADER_ROW + 1
FROZEN_ROWS = TABLE_HEADER_ROW + 1
# How far down the reader looks for the table header before giving up.
HEADER_SCAN_ROWS = 40

HISTORY_HEADERS = (
    "When (UTC)",
    "Who",
    "Milestone",
    "Field",
    "Old",
    "New",
    "Reason",
    "Source",
    "Event",
)
# The History tab's "Event" column (0-based): each row's event id, so that a sync redone
# after a write whose outcome it never learned finds the rows already there.
HISTORY_EVENT_COL = HISTORY_HEADERS.index("Event")
# The History columns a sync reads back (Milestone to Event: people may give a reason
# for a date move later; the event ids find a redone sync's rows), as an A1 range of the
# History tab, and the 0-based indexes of the columns read as logged changes. A sync that
# needs none of its rows (see ``MapSheets.read``) reads the header row alone.
HISTORY_READ_RANGE = "C:I"
HISTORY_HEADER_RANGE = "C1:I1"
HISTORY_READ_COLUMNS = {"milestone": 2, "field": 3, "old": 4, "new": 5, "reason": 6}
REVIEWS_HEADERS = ("Review date", "Section", "Item", "Detail")
# The Reviews column a sync reads (the review dates: a rerun on the same day replaces them).
REVIEWS_READ_RANGE = "A:A"
# The Reviews tab's header cell: all a sync reads of it, but for a weekly review's own.
REVIEWS_HEADER_RANGE = "A1:A1"

SIDE_CHOICES = ("Buyer", "Seller", "Joint")
STATUS_CHOICES = ("Not started", "In progress", "Done", "Blocked", "N/A")

DATE_PATTERN = "mmm d, yyyy"


def column_index(key: str) -> int:
    """The provisioned 0-based index of a table column."""
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


# Texts looked up by :func:`match_column` and :func:`match_header_field` are kept with
# their answer when they are this short: every sync looks up the same few hundred
# (each header row's label and each row's column B, the table header's cells); a
# longer text (a milestone's long title) is worked out each time, so the kept texts
# stay small.
_KEPT_LABEL_CHARS = 120
_KEPT_LABELS = 2048


def normalise_label(text: str) -> str:
    return " ".join(text.replace(":", " ").split()).casefold()


def match_column(header_text: str) -> str | None:
    """The column key a table header text names, or None."""
    if not header_text:
        return None
    if len(header_text) <= _KEPT_LABEL_CHARS:
        return _kept_column(header_text)
    return _column_of(header_text)


def _column_of(header_text: str) -> str | None:
    label = normalise_label(header_text)
    if not label:
        return None
    return _column_labels().get(label)


_kept_column = lru_cache(maxsize=_KEPT_LABELS)(_column_of)


@cache
def _column_labels() -> dict[str, str]:
    """Every header text a column is known by, normalised, to its key (built once)."""
    labels: dict[str, str] = {}
    for column in COLUMNS:
        labels.setdefault(normalise_label(column.header), column.key)
    for key, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            labels.setdefault(alias, key)
    return labels


def match_header_field(label_text: str) -> str | None:
    """The header field a label in column B names, or None."""
    if not label_text:
        return None
    if len(label_text) <= _KEPT_LABEL_CHARS:
        return _kept_header_field(label_text)
    return _header_field_of(label_text)


def _header_field_of(label_text: str) -> str | None:
    return _header_field_labels().get(normalise_label(label_text))


_kept_header_field = lru_cache(maxsize=_KEPT_LABELS)(_header_field_of)


@cache
def _header_field_labels() -> dict[str, str]:
    """Every label a header field is known by, normalised, to its key (built once, on
    first use: a sync looks up each row's label)."""
    labels: dict[str, str] = {}
    for field in HEADER_FIELDS:
        labels.setdefault(normalise_label(field.label), field.key)
    for label in ("go-live", "go live", "go-live date", "committed go live"):
        labels.setdefault(label, "go_live")
    for label in ("outcome", "why", "outcome / why"):
        labels.setdefault(label, "outcome")
    return labels
