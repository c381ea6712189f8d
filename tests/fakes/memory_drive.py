"""Spreadsheets in memory, as plain Python data, and the hands that change them: the
people's (an edit, a row added, inserted, deleted, sorted) and Google's (a write whose
outcome is unknown); plus the calls the backend made. ``memory_sheets.py`` puts the use
cases' port over them.

A spreadsheet is a header (account, outcome, go_live, reason) and a list of rows; a row
has its ID cell, the inputs people typed (field -> value: a date, a ``Status``, a
``Side`` or text; text in a date field, or a status nobody knows, is a cell that cannot
be read), the computed cells the backend wrote and the backend's notes. A spreadsheet
opens for its owner and the people it is shared with.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.sheets.errors import PermissionDenied, SheetNotFound

# The backend's service account.
BACKEND = "map-backend@map-local.iam.gserviceaccount.com"
PLAN_TAB = "Plan"
INPUTS = ("title", "side", "owner", "deliverable", "due", "status", "completed_on", "notes")


@dataclass
class Row:
    id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    computed: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.inputs.get("title") or "")


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    owner: str
    editors: set[str] = field(default_factory=set)
    map_id: str | None = None
    time_zone: str = "Etc/GMT"
    token: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    header_computed: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    history: list[list[str]] = field(default_factory=list)
    reviews: list[list[str]] = field(default_factory=list)
    invitations: list[tuple[str, str]] = field(default_factory=list)  # (email, message)
    # Drive's file version: up by one with each change (``changed``), and once more when
    # the content differs from what that version held (a test that changed it directly).
    version: int = field(default=1, repr=False)
    _content_at_version: str = field(default="", repr=False)

    def changed(self) -> None:
        """One change made (by a person or by a write): the next version."""
        self.version += 1
        self._content_at_version = self._content()

    def current_version(self) -> int:
        if self._content() != self._content_at_version:
            self.changed()
        return self.version

    def _content(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()

    def row_index(self, milestone_id: str) -> int:
        return next(i for i, row in enumerate(self.rows) if row.id == milestone_id)


class MemoryDrive:
    """Every spreadsheet, the people's hands on them, and the calls the backend made."""

    def __init__(self, *, time_zone: str = "Etc/GMT") -> None:
        self.sheets: dict[str, Spreadsheet] = {}
        self.calls: Counter[str] = Counter()
        # Drive's file-version look-ups, apart: they cost no Sheets quota.
        self.version_calls = 0
        self.channels: dict[str, tuple[str, str]] = {}  # channel id -> (spreadsheet, address)
        self.time_zone = time_zone
        self._after_read: list[Callable[[], None]] = []
        self._write_outcomes: list[bool] = []
        self._read_gate: Callable[[], None] | None = None

    def new_spreadsheet(self, owner: str) -> str:
        """A blank spreadsheet of ``owner``'s (for "lay the MAP out here")."""
        spreadsheet_id = f"sheet-{uuid.uuid4().hex[:12]}"
        self.sheets[spreadsheet_id] = Spreadsheet(spreadsheet_id, owner, time_zone=self.time_zone)
        return spreadsheet_id

    # -- what Google does ------------------------------------------------------------
    def after_next_read(self, action: Callable[[], None]) -> None:
        """Do ``action`` right after the backend's next read returns."""
        self._after_read.append(action)

    def hold_reads(self, gate: Callable[[], None] | None) -> None:
        """Call ``gate`` in every read, after the sheet is read and before the reply
        returns, until it is unset (to hold a sync there)."""
        self._read_gate = gate

    def fail_next_write(self, *, landed: bool) -> None:
        """End the next write as a 5xx does: :class:`GoogleUnavailable`, whether it
        ``landed`` or not."""
        self._write_outcomes.append(landed)

    def reset_calls(self) -> None:
        self.calls.clear()

    # -- what people do --------------------------------------------------------------
    def sheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.sheets[spreadsheet_id]

    def row(self, spreadsheet_id: str, milestone_id: str) -> Row:
        """The row whose ID cell holds ``milestone_id``."""
        sheet = self.sheet(spreadsheet_id)
        return sheet.rows[sheet.row_index(milestone_id)]

    def milestone_rows(self, spreadsheet_id: str) -> dict[str, Row]:
        """Every row with a milestone, by the ID in its ID cell."""
        return {r.id: r for r in self.sheet(spreadsheet_id).rows if r.id and r.title}

    def cell(self, spreadsheet_id: str, milestone_id: str, field: str) -> str:
        """How the add-on's trigger names a milestone's cell here."""
        return f"R{self.sheet(spreadsheet_id).row_index(milestone_id)}:{field}"

    def edit(self, spreadsheet_id: str, milestone_id: str, field: str, value: Any) -> None:
        self.row(spreadsheet_id, milestone_id).inputs[field] = value
        self.sheet(spreadsheet_id).changed()

    def edit_header(self, spreadsheet_id: str, field: str, value: Any) -> None:
        self.sheet(spreadsheet_id).header[field] = value
        self.sheet(spreadsheet_id).changed()

    def add_row(self, spreadsheet_id: str, title: str, **inputs: Any) -> None:
        """A person types a new step on the first blank row under the table."""
        self.sheet(spreadsheet_id).rows.append(Row(inputs={"title": title, **inputs}))
        self.sheet(spreadsheet_id).changed()

    def insert_blank_row(self, spreadsheet_id: str, *, above: str) -> None:
        sheet = self.sheet(spreadsheet_id)
        sheet.rows.insert(sheet.row_index(above), Row())
        sheet.changed()

    def delete_row(self, spreadsheet_id: str, milestone_id: str) -> None:
        sheet = self.sheet(spreadsheet_id)
        del sheet.rows[sheet.row_index(milestone_id)]
        sheet.changed()

    def sort_rows(self, spreadsheet_id: str, *, reverse: bool = False) -> None:
        """Sort the milestone rows by title, whole rows moving (a person's sort)."""
        sheet = self.sheet(spreadsheet_id)
        sheet.rows.sort(key=lambda row: (not row.title, row.title), reverse=reverse)
        sheet.changed()

    # -- for memory_sheets.py -------------------------------------------------------
    def open(self, spreadsheet_id: str, actor: str) -> Spreadsheet:
        sheet = self.sheets.get(spreadsheet_id)
        if sheet is None:
            raise SheetNotFound(f"no spreadsheet {spreadsheet_id}", status=404)
        if actor != sheet.owner and actor not in sheet.editors:
            raise PermissionDenied(f"{actor} may not open {spreadsheet_id}", status=403)
        return sheet

    def read(self, spreadsheet_id: str, actor: str) -> Spreadsheet:
        self.calls["read"] += 1
        seen = copy.deepcopy(self.open(spreadsheet_id, actor))
        if self._read_gate is not None:  # the reply is on its way, held here
            self._read_gate()
        actions, self._after_read = self._after_read, []
        for action in actions:
            action()
        return seen

    def write_outcome(self) -> bool | None:
        """How the next write ends: None as planned, True/False landed before a 5xx."""
        return self._write_outcomes.pop(0) if self._write_outcomes else None
