"""The MAP spreadsheet as the use cases need it: the port every spreadsheet backend
implements. Google Sheets' is :class:`service.sheets.GoogleMapSheets`; the use cases'
unit tests run on an in-memory one (``tests/fakes/memory_sheets.py``).

The use cases speak in plans and computed plans. Which row holds which milestone, where
a cell is, how a value is typed and how a write is kept from landing on the wrong rows
belong to the implementation. What passes from a read to the write after it is opaque
(:class:`SheetLayout`): the use cases keep it (as JSON, in the MAP's snapshot) and hand it
back, so a sync that does not read (the date rollover) can still write.

A sync::

    reading = sheets.read(spreadsheet_id, now=now)               # one call
    seen = reading.to_plan(known_plan, next_id=..., reason=...)  # no call
    ...  diff against the snapshot, compute  ...
    write = sheets.prepare_write(seen.layout, SheetUpdate(...))  # no call
    if write:
        sheets.write(write, token=token)                         # one call

A rollover: ``layout = sheets.recall(state.sheet)``, then the same write.

Errors are those of :mod:`service.sheets.errors`: :class:`LayoutChanged` when rows were
inserted, deleted or sorted between the read and the write (the write may have landed
on the wrong rows; sync again), :class:`GoogleUnavailable` when a write's outcome is
unknown (it may or may not have landed; the write token on the next read tells).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from service.domain.history import Change
from service.domain.model import ComputedPlan, Milestone, Plan
from service.domain.timeline import Timeline

# What the use cases keep of a layout between syncs.
RememberedLayout = dict[str, Any]


class SheetLayout(Protocol):
    """Where a MAP's rows and computed cells are and what those cells show, as the
    implementation last saw them. Opaque: only the implementation that made it reads it."""

    @property
    def time_zone(self) -> str:
        """The spreadsheet's time zone (an IANA name): a MAP's "today" is its sheet's."""
        ...

    def remembered(self) -> RememberedLayout:
        """This layout as JSON, for the snapshot; :meth:`MapSheets.recall` takes it back."""
        ...

    def row_of_change(self, change: Change) -> Hashable | None:
        """The row ``change`` is on (its milestone's, or its header field's), as a key
        that only compares with :meth:`row_of_edit`'s; None when it is on no row."""
        ...

    def row_of_edit(self, tab: str, cell: str) -> Hashable | None:
        """The row of an edit the add-on's trigger reported (its tab and cell, as the
        trigger names them); None when it is not on the plan."""
        ...


@dataclass(frozen=True)
class Unreadable:
    """A cell the read could not read. It keeps what was typed, the plan keeps the last
    good value, the cell gets a note, and the plan an INVALID_INPUT risk."""

    label: str  # what and where, for INVALID_INPUT: 'Due of "DPA": "next week"'
    milestone_id: str | None  # None for a header field


@dataclass(frozen=True)
class LoggedChange:
    """A row of the History tab as people see it now: the reason may have been typed
    after the backend logged the change."""

    milestone: str
    field: str  # the Field column's label ("Committed Go-Live", "Due")
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class SheetPlan:
    """What the sheet shows, as a plan: every row matched to a milestone."""

    plan: Plan  # people's inputs on the structure we knew; new rows get the defaults
    reason: str  # "Reason for change" beside Committed Go-Live
    next_id: int  # the number of the next new milestone id (ids are never reused)
    # Ids the next write puts into rows' ID cells (rows people added or copied, or
    # whose ID was lost). Until that write is known to have landed on those rows, the
    # milestones they name are not trusted.
    given_ids: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    layout: SheetLayout
    logged: tuple[LoggedChange, ...] = ()  # the History tab's rows, oldest first


class SheetReading(Protocol):
    """One read of a MAP's sheet, its rows not yet matched to milestones."""

    @property
    def write_token(self) -> str | None:
        """The token of the last write that reached the sheet (None: no token yet)."""
        ...

    @property
    def today(self) -> date:
        """Today in the sheet's time zone; dates people typed were read against it."""
        ...

    def to_plan(
        self, known: Plan, *, next_id: int, reason: str, removed: Sequence[Milestone] = ()
    ) -> SheetPlan:
        """The plan the sheet shows, given the plan as last seen (``known``), the next
        free id number, the last reason for change and the milestones recorded as
        removed (a row whose ID is one of theirs is that milestone again)."""
        ...


@dataclass(frozen=True)
class SheetUpdate:
    """What a write makes the sheet show."""

    computed: ComputedPlan
    milestones: tuple[Milestone, ...]  # the plan's (the header names the next step)
    last_review: date | None
    history_rows: Sequence[Sequence[str]] = ()  # appended to the History tab
    review_rows: Sequence[Sequence[str]] = ()  # appended to the Reviews tab
    # The date of the weekly review ``review_rows`` belong to: the sheet adds that review's
    # open risks (``computed``'s), in its own words, after them.
    review_on: date | None = None
    # What the Timeline tab shows (None: leave it as it is).
    timeline: Timeline | None = None


class SheetWrite(Protocol):
    """A write prepared against a layout: only what changes."""

    @property
    def cells_written(self) -> int: ...

    def __bool__(self) -> bool:
        """False when there is nothing to write (and so no call to make)."""
        ...

    def layout_after(self) -> RememberedLayout:
        """The layout as this write leaves it, for syncs that do not read."""
        ...


@dataclass(frozen=True)
class InputEdit:
    """A person's change to their milestone's input cells, made for them (a one-click
    update from a reminder): status and/or Due, with Notes replaced by ``notes``."""

    milestone_id: str
    status: str | None = None
    due: date | None = None
    notes: str | None = None


@dataclass(frozen=True)
class EditedCells:
    """Where an :class:`InputEdit` landed, in the add-on trigger's terms (tab, A1 of
    each cell), so the sync that follows attributes the change to the person."""

    tab: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class NewMap:
    """Everything a new MAP's spreadsheet shows."""

    map_id: str
    title: str
    account: str
    outcome: str
    go_live: date
    milestones: tuple[Milestone, ...]
    computed: ComputedPlan
    write_token: str
    time_zone: str = ""  # a new spreadsheet's (IANA); "" leaves the default
    # The spreadsheet's locale (de_DE): a new spreadsheet gets it; it decides how the
    # backend's dates are shown. "" = en_US.
    locale: str = ""
    timeline: Timeline | None = None  # what its Timeline tab shows


@dataclass(frozen=True)
class Revision:
    """One entry of the spreadsheet's revision history: who last changed it, when."""

    at: datetime
    email: str  # "" when Drive does not say


@dataclass(frozen=True)
class FileVersion:
    """The spreadsheet's Drive file version, and the latest change to the file: when,
    and by whom (Drive's ``modifiedTime`` and ``lastModifyingUser``; None and "" when
    Drive does not say)."""

    version: str
    modified_at: datetime | None = None
    modified_by: str = ""


@dataclass(frozen=True)
class Channel:
    """A push channel watching a spreadsheet for changes."""

    channel_id: str
    resource_id: str
    expiration_ms: int


class MapSheets(Protocol):
    """MAP spreadsheets, as one set of credentials sees them (the backend's own, or a
    seller's for the request that creates their MAP). Not shared between threads;
    closing it only closes its connections."""

    def read(
        self,
        spreadsheet_id: str,
        *,
        now: datetime,
        go_live: date | None = None,
        history: bool = True,
        reviews: bool = True,
    ) -> SheetReading:
        """Read the MAP: one call. :class:`~service.sheets.errors.NotAMap` when the
        spreadsheet holds none. ``go_live``: the Committed Go-Live last recorded, put
        back (with a note) should people have deleted its row. Without ``history``, the
        History tab's rows are not read (the tab grows with every change): the reading's
        ``logged`` is empty, and its write appends history rows without looking for
        them on the tab (right when no write of ours landed unrecorded). Without
        ``reviews``, the Reviews tab's rows are not read either: the layout then knows of
        no review rows to replace, which only a weekly review's write needs (it replaces
        the rows of a review made earlier the same day)."""
        ...

    def recall(self, remembered: Mapping[str, Any]) -> SheetLayout:
        """The layout a snapshot remembered (:meth:`SheetLayout.remembered`)."""
        ...

    def prepare_write(self, layout: SheetLayout, update: SheetUpdate) -> SheetWrite:
        """The write that makes the sheet show ``update``: computed cells that differ,
        the backend's notes, IDs for rows that need one, the History and Reviews rows.
        Never a value into an input cell that holds one. No call."""
        ...

    def write(self, write: SheetWrite, *, token: str) -> None:
        """Make ``write`` (one call), stamping ``token`` on the spreadsheet with it.
        :class:`~service.sheets.errors.LayoutChanged` when rows moved since the layout
        was read; :class:`~service.sheets.errors.GoogleUnavailable` when the outcome is
        unknown."""
        ...

    def file_version(self, spreadsheet_id: str) -> FileVersion:
        """The spreadsheet's Drive file version (one Drive call, not a Sheets read): it
        goes up with every change to the file, people's and ours; with who made the
        latest change to it, and when."""
        ...

    def edit_inputs(self, spreadsheet_id: str, layout: SheetLayout, edit: InputEdit) -> EditedCells:
        """Make a person's edit on their milestone's row (one call), wherever that row is
        now (anchored to the milestone, not to a row number); text goes in as typed,
        never as a formula. :class:`~service.sheets.errors.NotAMap` when the milestone
        has no row any more."""
        ...

    def create_map(self, new: NewMap) -> str:
        """A new spreadsheet laid out as ``new``; its id."""
        ...

    def lay_out_in(self, spreadsheet_id: str, new: NewMap) -> None:
        """Lay ``new`` out in an existing spreadsheet, beside what it holds.
        :class:`~service.sheets.errors.AlreadyAMap` when it holds a MAP or tabs of the
        names a MAP uses."""
        ...

    def can_edit(self, spreadsheet_id: str) -> bool:
        """Whether the credentials of this ``MapSheets`` may edit the spreadsheet;
        :class:`~service.sheets.errors.SheetNotFound` when they cannot see it at all."""
        ...

    def share(self, spreadsheet_id: str, email: str, *, message: str, notify: bool) -> None:
        """Let ``email`` edit the spreadsheet; with ``notify``, invite them with ``message``."""
        ...

    def watch(
        self,
        spreadsheet_id: str,
        *,
        channel_id: str,
        token: str,
        address: str,
        expiration_ms: int,
    ) -> Channel:
        """Have changes to the spreadsheet pushed to ``address`` until the expiration
        (the channel granted may end sooner)."""
        ...

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        """Stop a channel (one already gone is fine)."""
        ...

    def revisions(self, spreadsheet_id: str, *, since: datetime) -> list[Revision]:
        """The revisions last changed at or after ``since``, oldest first (Drive's
        revision history; edits in a row by one person are one revision)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> MapSheets: ...

    def __exit__(self, *exc: object) -> None: ...
