"""MAP spreadsheets in memory: the use cases' port (``MapSheets``) over the plain data
of a :class:`~tests.fakes.memory_drive.MemoryDrive`, for the use cases' unit tests.
``MemoryMapSheets(drive, BACKEND)`` is what the backend sees; ``MemoryMapSheets(drive,
email)`` what a person sees.

The write behaves as Google's where the invariants depend on it: it lands by row
position, only on computed cells, ID cells and the backend's notes, stamping the token;
then it checks that every row it wrote to holds the milestone it was meant for (and a
row given an ID, its title), and raises :class:`LayoutChanged` if not (what landed
stays, as after Google's atomic batchUpdate). A 5xx the drive was told to fake ends it
with :class:`GoogleUnavailable`, landed or not.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from service.clock import local_today
from service.domain.history import Change
from service.domain.model import ComputedPlan, Milestone, Plan, Side, Status
from service.domain.parse import parse_status
from service.services.map_sheets import (
    Channel,
    EditedCells,
    FileVersion,
    InputEdit,
    NewMap,
    Revision,
    SheetLayout,
    SheetPlan,
    SheetUpdate,
    SheetWrite,
    Unreadable,
)
from service.sheets.errors import (
    AlreadyAMap,
    GoogleUnavailable,
    LayoutChanged,
    NotAMap,
    SheetNotFound,
)
from service.sheets.google_map_sheets import review_rows
from service.sheets.row_identity import TypedRow, match_rows
from tests.fakes.memory_drive import INPUTS, PLAN_TAB, MemoryDrive, Row, Spreadsheet

NOTE_PREFIX = "could not read: "
_ROW_CELL = re.compile(r"^R(\d+):\w+$")


# -- what the computed cells show here ---------------------------------------------------
def shown_milestones(computed: ComputedPlan) -> dict[str, dict[str, str]]:
    risks: dict[str, list[str]] = {}
    for risk in computed.risks:
        for milestone_id in risk.milestones:
            risks.setdefault(milestone_id, []).append(risk.code)
    return {
        m.id: {
            "target": _iso(m.target),
            "projected": _iso(m.projected),
            "health": m.health.value,
            "risk": ", ".join(risks.get(m.id, [])),
        }
        for m in computed.milestones
    }


def shown_header(computed: ComputedPlan, last_review: date | None) -> dict[str, str]:
    return {
        "projected_go_live": _iso(computed.projected_go_live),
        "slip_bd": str(computed.slip_bd),
        "health": f"{computed.health.score} {computed.health.label}",
        "top_risks": ", ".join(r.code for r in computed.risks[:3]),
        "last_review": _iso(last_review),
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# -- the port's handles ------------------------------------------------------------------
@dataclass(frozen=True)
class MemoryLayout:
    spreadsheet_id: str
    time_zone: str
    ids: tuple[str | None, ...]  # each row's ID cell, top to bottom
    titles: tuple[str, ...]  # each row's title
    computed: tuple[dict[str, str], ...]  # each row's computed cells
    titled: frozenset[int]  # the rows that are milestones
    header_computed: dict[str, str]
    row_of: dict[str, int]
    given_ids: dict[int, str] = field(default_factory=dict)
    notes: dict[tuple[int, str], str] = field(default_factory=dict)  # the notes wanted
    notes_now: dict[tuple[int, str], str] = field(default_factory=dict)  # ours, as read
    has_token: bool = True

    def remembered(self) -> dict[str, Any]:
        # Like Google's, only the milestone rows are remembered: a later write clears no
        # stray cells it has not read.
        return {
            "spreadsheet_id": self.spreadsheet_id,
            "time_zone": self.time_zone,
            "rows": [
                {"id": i, "computed": c if n in self.titled else {}, "titled": n in self.titled}
                for n, (i, c) in enumerate(zip(self.ids, self.computed, strict=True))
            ],
            "header_computed": self.header_computed,
        }

    def row_of_change(self, change: Change) -> Hashable | None:
        if change.milestone_id is None:
            return ("header", change.field)
        return self.row_of.get(change.milestone_id)

    def row_of_edit(self, tab: str, cell: str) -> Hashable | None:
        if tab != PLAN_TAB:
            return None
        if cell.startswith("header:"):
            return ("header", cell.removeprefix("header:"))
        match = _ROW_CELL.match(cell)
        return int(match.group(1)) if match else None


@dataclass(frozen=True)
class MemoryReading:
    sheet: Spreadsheet  # as read
    today: date

    @property
    def write_token(self) -> str | None:
        return self.sheet.token

    def to_plan(
        self, known: Plan, *, next_id: int, reason: str, removed: Sequence[Milestone] = ()
    ) -> SheetPlan:
        sheet = self.sheet
        rows: list[TypedRow[int]] = []
        unreadable: list[tuple[int, str, Any]] = []
        for index, row in enumerate(sheet.rows):
            if not row.title.strip():
                continue
            inputs: dict[str, Any] = {}
            for key, value in row.inputs.items():
                try:
                    inputs[key] = _typed(key, value)
                except ValueError:
                    unreadable.append((index, key, value))
            rows.append(TypedRow(index, row.id, row.title, inputs))
        matched = match_rows(rows, known, next_id=next_id, removed=removed)
        go_live = sheet.header.get("go_live")
        plan = replace(
            known,
            account=sheet.header.get("account") or known.account,
            outcome=sheet.header.get("outcome", known.outcome),
            go_live=go_live if isinstance(go_live, date) else known.go_live,
            milestones=matched.milestones,
        )
        titles = {m.id: m.title for m in plan.milestones}
        problems = [
            Unreadable(f'{key} of "{titles[matched.ids[index]]}": "{value}"', matched.ids[index])
            for index, key, value in unreadable
        ]
        notes_now = {
            (index, key): note
            for index, row in enumerate(sheet.rows)
            for key, note in row.notes.items()
        }
        layout = MemoryLayout(
            spreadsheet_id=sheet.spreadsheet_id,
            time_zone=sheet.time_zone,
            ids=tuple(row.id for row in sheet.rows),
            titles=tuple(row.title for row in sheet.rows),
            computed=tuple(dict(row.computed) for row in sheet.rows),
            titled=frozenset(row.key for row in rows),
            header_computed=dict(sheet.header_computed),
            row_of={milestone_id: index for index, milestone_id in matched.ids.items()},
            given_ids=matched.given_ids,
            notes={(i, key): f"{NOTE_PREFIX}{value}" for i, key, value in unreadable},
            notes_now=notes_now,
            has_token=sheet.token is not None,
        )
        return SheetPlan(
            plan=plan,
            reason=str(sheet.header.get("reason", reason)),
            next_id=matched.next_id,
            given_ids=tuple(matched.given_ids.values()),
            unreadable=tuple(problems),
            layout=layout,
        )


def _typed(key: str, value: Any) -> Any:
    """An input as the plan takes it; ValueError when the cell cannot be read."""
    if key in ("due", "completed_on"):
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        raise ValueError(f"not a date: {value!r}")
    if key == "status":
        return value if isinstance(value, Status) else parse_status(str(value))
    if key == "side":
        return value if isinstance(value, Side) or not value else Side(str(value).lower())
    return str(value)


@dataclass(frozen=True)
class MemoryWrite:
    layout: MemoryLayout
    cells: dict[int, dict[str, str]]  # row -> computed cells to set
    cleared: tuple[int, ...]  # rows whose computed cells are cleared
    ids: dict[int, str]  # row -> id for its ID cell
    header: dict[str, str]
    notes: dict[tuple[int, str], str]  # "" clears
    history_rows: tuple[tuple[str, ...], ...]
    review_rows: tuple[tuple[str, ...], ...]
    expected: dict[int, str]  # row -> the milestone it must hold once written
    titles: dict[int, str]  # row given an ID -> the title it must still have

    @property
    def cells_written(self) -> int:
        return sum(len(c) for c in self.cells.values()) + len(self.header)

    def __bool__(self) -> bool:
        parts = (self.cells, self.cleared, self.ids, self.header, self.notes)
        return any(parts) or bool(self.history_rows or self.review_rows)

    def layout_after(self) -> dict[str, Any]:
        ids = list(self.layout.ids)
        computed = [dict(c) for c in self.layout.computed]
        for row, cells in self.cells.items():
            computed[row].update(cells)
        for row in self.cleared:
            computed[row] = {}
        for row, milestone_id in self.ids.items():
            ids[row] = milestone_id
        after = replace(
            self.layout,
            ids=tuple(ids),
            computed=tuple(computed),
            header_computed={**self.layout.header_computed, **self.header},
        )
        return after.remembered()


class MemoryMapSheets:
    """The spreadsheets of a :class:`MemoryDrive` as ``actor`` sees them."""

    def __init__(self, drive: MemoryDrive, actor: str) -> None:
        self.drive = drive
        self.actor = actor

    def close(self) -> None:
        pass

    def __enter__(self) -> MemoryMapSheets:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(
        self,
        spreadsheet_id: str,
        *,
        now: datetime,
        go_live: date | None = None,
        history: bool = True,
        reviews: bool = True,
    ) -> MemoryReading:
        sheet = self.drive.read(spreadsheet_id, self.actor)
        return MemoryReading(sheet, local_today(now, sheet.time_zone))

    def recall(self, remembered: Mapping[str, Any]) -> MemoryLayout:
        rows = remembered["rows"]
        return MemoryLayout(
            spreadsheet_id=remembered["spreadsheet_id"],
            time_zone=remembered["time_zone"],
            ids=tuple(r["id"] for r in rows),
            titles=tuple("" for _ in rows),  # a recalled layout gives no IDs
            computed=tuple(r["computed"] for r in rows),
            titled=frozenset(n for n, r in enumerate(rows) if r["titled"]),
            header_computed=dict(remembered["header_computed"]),
            row_of={r["id"]: n for n, r in enumerate(rows) if r["id"] and r["titled"]},
        )

    def prepare_write(self, layout: SheetLayout, update: SheetUpdate) -> MemoryWrite:
        assert isinstance(layout, MemoryLayout), layout
        wanted = shown_milestones(update.computed)
        cells: dict[int, dict[str, str]] = {}
        expected = dict(layout.given_ids)
        for milestone_id, row in layout.row_of.items():
            changed = {
                k: v for k, v in wanted[milestone_id].items() if layout.computed[row].get(k) != v
            }
            if changed:
                cells[row] = changed
                expected[row] = milestone_id
        stray = tuple(
            n
            for n, shown in enumerate(layout.computed)
            if shown and n not in layout.titled and n not in layout.given_ids
        )
        header = {
            k: v
            for k, v in shown_header(update.computed, update.last_review).items()
            if layout.header_computed.get(k) != v
        }
        notes = {at: text for at, text in layout.notes.items() if layout.notes_now.get(at) != text}
        notes |= {
            at: ""
            for at, text in layout.notes_now.items()
            if text.startswith(NOTE_PREFIX) and at not in layout.notes
        }
        return MemoryWrite(
            layout,
            cells=cells,
            cleared=stray,
            ids=dict(layout.given_ids),
            header=header,
            notes=notes,
            history_rows=tuple(tuple(r) for r in update.history_rows),
            review_rows=tuple(tuple(r) for r in review_rows(update)),
            expected=expected,
            titles={row: layout.titles[row] for row in layout.given_ids},
        )

    def edit_inputs(self, spreadsheet_id: str, layout: SheetLayout, edit: InputEdit) -> EditedCells:
        """A person's edit on the milestone's row, wherever it is now (one call)."""
        self.drive.calls["write"] += 1
        sheet = self.drive.open(spreadsheet_id, self.actor)
        if not any(r.id == edit.milestone_id for r in sheet.rows):
            raise NotAMap(f"milestone {edit.milestone_id} has no row")
        changes = {"status": edit.status, "due": edit.due, "notes": edit.notes}
        for key, value in changes.items():
            if value is not None:
                self.drive.edit(spreadsheet_id, edit.milestone_id, key, value)
        row = self.drive.sheet(spreadsheet_id).row_index(edit.milestone_id)
        return EditedCells(
            PLAN_TAB, tuple(f"R{row}:{f}" for f, v in changes.items() if v is not None)
        )

    def write(self, write: SheetWrite, *, token: str) -> None:
        assert isinstance(write, MemoryWrite), write
        self.drive.calls["write"] += 1
        sheet = self.drive.open(write.layout.spreadsheet_id, self.actor)
        landed = self.drive.write_outcome()
        if landed is False:
            raise GoogleUnavailable("the write did not land (503)", status=503)
        _apply(sheet, write, token)
        if landed is True:
            raise GoogleUnavailable("the write landed; its reply was lost (503)", status=503)
        # An ID cell given an ID holds it wherever that row went; its title tells.
        moved = [
            row
            for row, milestone_id in write.expected.items()
            if row >= len(sheet.rows)
            or sheet.rows[row].id != milestone_id
            or sheet.rows[row].title != write.titles.get(row, sheet.rows[row].title)
        ]
        if moved:
            raise LayoutChanged(f"rows {moved} hold other milestones than when read")

    def file_version(self, spreadsheet_id: str) -> FileVersion:
        """The file's version, up by one with each change, as Drive's (who changed it
        last: not said)."""
        self.drive.version_calls += 1
        return FileVersion(str(self.drive.sheet(spreadsheet_id).current_version()))

    def create_map(self, new: NewMap) -> str:
        self.drive.calls["create"] += 1
        spreadsheet_id = self.drive.new_spreadsheet(self.actor)
        if new.time_zone:
            self.drive.sheet(spreadsheet_id).time_zone = new.time_zone
        _lay_out(self.drive.sheet(spreadsheet_id), new)
        return spreadsheet_id

    def lay_out_in(self, spreadsheet_id: str, new: NewMap) -> None:
        self.drive.calls["lay_out"] += 1
        sheet = self.drive.open(spreadsheet_id, self.actor)
        if sheet.map_id is not None:
            raise AlreadyAMap(f"spreadsheet {spreadsheet_id} already holds a MAP")
        _lay_out(sheet, new)

    def can_edit(self, spreadsheet_id: str) -> bool:
        self.drive.calls["can_edit"] += 1
        sheet = self.drive.sheets.get(spreadsheet_id)
        if sheet is None or (self.actor != sheet.owner and self.actor not in sheet.editors):
            # Drive answers 404 for a file the caller may not see.
            raise SheetNotFound(f"File not found: {spreadsheet_id}", status=404)
        return True

    def share(self, spreadsheet_id: str, email: str, *, message: str, notify: bool) -> None:
        self.drive.calls["share"] += 1
        sheet = self.drive.open(spreadsheet_id, self.actor)
        sheet.editors.add(email)
        if notify:
            sheet.invitations.append((email, message))

    def watch(
        self,
        spreadsheet_id: str,
        *,
        channel_id: str,
        token: str,
        address: str,
        expiration_ms: int,
    ) -> Channel:
        self.drive.calls["watch"] += 1
        self.drive.open(spreadsheet_id, self.actor)
        self.drive.channels[channel_id] = (spreadsheet_id, address)
        return Channel(channel_id, f"resource-{spreadsheet_id}", expiration_ms)

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        self.drive.calls["stop_channel"] += 1
        self.drive.channels.pop(channel_id, None)

    def revisions(self, spreadsheet_id: str, *, since: datetime) -> list[Revision]:
        return []  # this fake keeps no revision history


def _apply(sheet: Spreadsheet, write: MemoryWrite, token: str) -> None:
    """Land ``write`` by row position, as Google would."""
    last = max([*write.cells, *write.cleared, *write.ids, *(r for r, _ in write.notes)], default=-1)
    while len(sheet.rows) <= last:
        sheet.rows.append(Row())
    for row, milestone_id in write.ids.items():
        sheet.rows[row].id = milestone_id
    for row, cells in write.cells.items():
        sheet.rows[row].computed.update(cells)
    for row in write.cleared:
        sheet.rows[row].computed = {}
    for (row, key), text in write.notes.items():
        if text:
            sheet.rows[row].notes[key] = text
        else:
            sheet.rows[row].notes.pop(key, None)
    sheet.header_computed.update(write.header)
    sheet.history.extend(list(r) for r in write.history_rows)
    days = {r[0] for r in write.review_rows}  # a rerun on the same day replaces its rows
    sheet.reviews[:] = [r for r in sheet.reviews if r[0] not in days]
    sheet.reviews.extend(list(r) for r in write.review_rows)
    sheet.token = token
    sheet.changed()


def _lay_out(sheet: Spreadsheet, new: NewMap) -> None:
    shown = shown_milestones(new.computed)
    sheet.map_id = new.map_id
    sheet.token = new.write_token
    sheet.header = {"account": new.account, "outcome": new.outcome, "go_live": new.go_live}
    sheet.header_computed = shown_header(new.computed, None)
    sheet.rows = [Row(m.id, _inputs(m), dict(shown[m.id])) for m in new.milestones]
    sheet.changed()


def _inputs(m: Milestone) -> dict[str, Any]:
    return {key: getattr(m, key) for key in INPUTS}
