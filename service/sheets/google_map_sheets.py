"""MAP spreadsheets in Google Sheets: the implementation of the use cases' port
(:class:`~service.services.map_sheets.MapSheets`) over one :class:`SheetsGateway`.

A sync's write is made safe here:

- Write token (exactly-once history, DESIGN I7): every write also stamps the use case's
  token on the spreadsheet (developer metadata ``map.write``), in the same atomic
  ``batchUpdate``; the next read returns it (``SheetReading.write_token``), which tells
  whether a write whose outcome was unknown landed.
- Verified layout (DESIGN I3): the write asks Google (``responseRanges``) for the key
  cells as they stand right after it: the ID of every milestone row written to, the
  label of every header row. If rows were inserted, deleted or sorted since the read,
  they differ and :class:`LayoutChanged` is raised; the caller syncs again, which puts
  every computed cell back on its milestone's row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from gspread.utils import a1_to_rowcol, rowcol_to_a1

import service.sheets.layout as layout
import service.sheets.layout as layout_keys
import service.sheets.requests as rq
from service.clock import local_today
from service.services.map_sheets import (
    Channel,
    EditedCells,
    FileVersion,
    InputEdit,
    NewMap,
    Revision,
    SheetLayout,
    SheetUpdate,
    SheetWrite,
)
from service.sheets.cell_values import date_to_serial
from service.sheets.cells import cell_data, shows
from service.sheets.errors import (
    AlreadyAMap,
    InvalidRequest,
    MilestonesDeleted,
    NotAMap,
    TableHeaderMissing,
    TabMissing,
)
from service.sheets.gateway import SheetsGateway
from service.sheets.header_rows import go_live_row_requests, table_header_requests
from service.sheets.provisioning import add_tabs_requests, create_body, layout_requests
from service.sheets.reader import spreadsheet_time_zone
from service.sheets.reading import GoogleReading, reading_of
from service.sheets.render import header_cells, milestone_cells, review_risk_rows
from service.sheets.sheet_state import KnownSheet, recall, to_state
from service.sheets.tabs import is_missing_tab, restore_requests
from service.sheets.writer import WritePlan, check_written, plan_write, verify_ranges

MILESTONES_DELETED = (
    "Every milestone row of this plan was deleted, so it cannot be updated. Undo the "
    "deletion (Edit > Undo) or restore the rows from File > Version history; the plan "
    "keeps its last state until then."
)


@dataclass(frozen=True)
class GoogleWrite:
    """A ``batchUpdate`` prepared against a :class:`KnownSheet`."""

    known: KnownSheet
    plan: WritePlan

    @property
    def cells_written(self) -> int:
        return self.plan.cells_written

    def __bool__(self) -> bool:
        return bool(self.plan)

    def layout_after(self) -> dict[str, Any]:
        return to_state(self.known.read, self.plan)


class GoogleMapSheets:
    """MAP spreadsheets through ``gateway`` (whose credentials it acts with)."""

    def __init__(self, gateway: SheetsGateway) -> None:
        self._gateway = gateway

    def close(self) -> None:
        self._gateway.close()

    def __enter__(self) -> GoogleMapSheets:
        return self

    def __exit__(self, *exc: object) -> None:
        self._gateway.__exit__(*exc)  # a gateway kept per thread stays connected

    # -- a sync ----------------------------------------------------------------------
    def read(
        self,
        spreadsheet_id: str,
        *,
        now: datetime,
        go_live: date | None = None,
        history: bool = True,
        reviews: bool = True,
    ) -> GoogleReading:
        """One call; three more (tabs, repair, read again) when people renamed or deleted
        the backend's tabs (``tabs.py``), two more (repair, read again) for each of the
        table header row and the Committed Go-Live row (showing ``go_live``, the last
        recorded) when people deleted it (``header_rows.py``)."""
        try:
            reply = self._gateway.read_map(spreadsheet_id, history=history, reviews=reviews)
        except InvalidRequest as exc:
            if not is_missing_tab(exc):
                raise
            tabs = self._gateway.read_tabs(spreadsheet_id)
            repair = restore_requests(
                tabs.get("sheets", []),
                today=now.date(),
                metadata=tabs.get("developerMetadata", []),
            )
            if not repair:
                raise
            self._gateway.batch_update(spreadsheet_id, repair)
            reply = self._gateway.read_map(spreadsheet_id, history=history, reviews=reviews)
        try:
            reading = reading_of(reply, now)
        except TableHeaderMissing as missing:
            sheet_id = _plan_sheet_id(reply)
            if sheet_id is None:
                raise
            today = local_today(now, spreadsheet_time_zone(reply))
            requests = table_header_requests(sheet_id, missing.row, today=today)
            self._gateway.batch_update(spreadsheet_id, requests)
            reading = reading_of(
                self._gateway.read_map(spreadsheet_id, history=history, reviews=reviews), now
            )
        if go_live is not None:
            repair = go_live_row_requests(reading.read, go_live, today=reading.today)
            if repair:
                self._gateway.batch_update(spreadsheet_id, repair)
                reading = reading_of(
                    self._gateway.read_map(spreadsheet_id, history=history, reviews=reviews), now
                )
        if not reading.read.rows:
            self._banner(reading, MILESTONES_DELETED)
            raise MilestonesDeleted(MILESTONES_DELETED)
        return reading

    def _banner(self, reading: GoogleReading, text: str) -> None:
        """``text`` in the Next step cell (the backend's, rewritten by the next sync that
        has a plan): what people see when there is no plan to sync."""
        read = reading.read
        if "next_step" not in read.header_cells:
            return
        wanted = cell_data(text)
        if shows(read.header_computed.get("next_step"), wanted):
            return
        row, col = read.header_cells["next_step"]
        update = rq.update_cells(read.plan_sheet_id, row, col, [wanted], "userEnteredValue")
        self._gateway.batch_update(read.spreadsheet_id, [update])

    def recall(self, remembered: Mapping[str, Any]) -> KnownSheet:
        return recall(remembered)

    def prepare_write(self, layout: SheetLayout, update: SheetUpdate) -> GoogleWrite:
        known = _known(layout)
        cells = milestone_cells(update.computed)
        header = header_cells(update.computed, update.milestones, last_review=update.last_review)
        milestones = {row: (mid, cells[mid]) for mid, row in known.row_of.items() if mid in cells}
        return GoogleWrite(
            known,
            plan_write(
                known.read,
                milestones=milestones,
                header=header,
                new_ids=known.given_ids,
                notes=known.notes,
                history_rows=update.history_rows,
                review_rows=review_rows(update),
                review_day=update.review_on.isoformat() if update.review_on else None,
                timeline=update.timeline,
            ),
        )

    def write(self, write: SheetWrite, *, token: str) -> None:
        if not isinstance(write, GoogleWrite):
            raise TypeError(f"not a write prepared by GoogleMapSheets: {write!r}")
        read = write.known.read
        stamp = (
            rq.set_spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
            if read.write_token is not None
            else rq.spreadsheet_metadata(layout.WRITE_TOKEN_KEY, token)
        )
        try:
            reply = self._gateway.batch_update(
                read.spreadsheet_id,
                [*write.plan.requests, stamp],
                response_ranges=verify_ranges(write.plan),
            )
        except InvalidRequest as exc:
            # A write against a remembered layout (the rollover's) names the tabs as
            # they were; people may have renamed or deleted one since.
            if is_missing_tab(exc):
                raise TabMissing(str(exc)) from exc
            raise
        check_written(reply, write.plan)

    def file_version(self, spreadsheet_id: str) -> FileVersion:
        reply = self._gateway.file_version(spreadsheet_id)
        modified = reply.get("modifiedTime")
        return FileVersion(
            version=str(reply["version"]),
            modified_at=_drive_time(str(modified)) if modified else None,
            modified_by=str((reply.get("lastModifyingUser") or {}).get("emailAddress", "")),
        )

    # -- a person's edit, made for them ----------------------------------------------
    def edit_inputs(self, spreadsheet_id: str, layout: SheetLayout, edit: InputEdit) -> EditedCells:
        read = _known(layout).read
        cells: dict[str, Any] = {}
        if edit.status is not None:
            cells["status"] = edit.status
        if edit.due is not None:
            cells["due"] = date_to_serial(edit.due)
        if edit.notes is not None:
            cells["notes"] = edit.notes
        if not cells:
            raise ValueError("an input edit must change something")
        width = max(read.columns[key] for key in cells) + 1
        values: list[Any] = [None] * width
        for key, value in cells.items():
            values[read.columns[key]] = value
        reply = self._gateway.update_row_by_metadata(
            spreadsheet_id,
            sheet_id=read.plan_sheet_id,
            key=layout_keys.MILESTONE_KEY,
            value=edit.milestone_id,
            values=values,
        )
        responses = reply.get("responses") or []
        ranges = [str(r.get("updatedRange", "")) for r in responses if r.get("updatedRange")]
        if not ranges:
            raise NotAMap(f"milestone {edit.milestone_id} has no row in {spreadsheet_id}")
        row = _first_row(ranges[0])
        return EditedCells(
            layout_keys.PLAN_TAB,
            tuple(rowcol_to_a1(row, read.columns[key] + 1) for key in cells),
        )

    # -- a new MAP -------------------------------------------------------------------
    def create_map(self, new: NewMap) -> str:
        """Two Sheets calls: ``create`` with the five tabs, then one ``batchUpdate``."""
        body = create_body(new.title, new.time_zone, new.locale)
        spreadsheet_id = self._gateway.create_spreadsheet(body)
        self._gateway.batch_update(spreadsheet_id, layout_requests(new))
        return spreadsheet_id

    def lay_out_in(self, spreadsheet_id: str, new: NewMap) -> None:
        """Two Sheets calls: a ``get`` of what the spreadsheet holds, one ``batchUpdate``."""
        existing = self._gateway.read_tabs(spreadsheet_id)
        metadata = existing.get("developerMetadata", [])
        if any(m.get("metadataKey") == layout.MAP_ID_KEY for m in metadata):
            raise AlreadyAMap(f"spreadsheet {spreadsheet_id} already holds a MAP")
        requests = add_tabs_requests(existing.get("sheets", [])) + layout_requests(new)
        self._gateway.batch_update(spreadsheet_id, requests)

    def can_edit(self, spreadsheet_id: str) -> bool:
        """One Drive call: ``files.get`` of the file's capabilities."""
        return self._gateway.can_edit(spreadsheet_id)

    def share(self, spreadsheet_id: str, email: str, *, message: str, notify: bool) -> None:
        self._gateway.share(spreadsheet_id, email, role="writer", message=message, notify=notify)

    # -- change notifications --------------------------------------------------------
    def watch(
        self,
        spreadsheet_id: str,
        *,
        channel_id: str,
        token: str,
        address: str,
        expiration_ms: int,
    ) -> Channel:
        return self._gateway.watch(
            spreadsheet_id,
            channel_id=channel_id,
            token=token,
            address=address,
            expiration_ms=expiration_ms,
        )

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        self._gateway.stop_channel(channel_id, resource_id)

    # -- revision history ------------------------------------------------------------
    def revisions(self, spreadsheet_id: str, *, since: datetime) -> list[Revision]:
        found = []
        for item in self._gateway.revisions(spreadsheet_id):
            at = _revision_time(str(item.get("modifiedTime", "")))
            if at >= since:
                user = item.get("lastModifyingUser") or {}
                found.append(Revision(at=at, email=str(user.get("emailAddress", ""))))
        return found


@lru_cache(maxsize=4096)
def _revision_time(modified: str) -> datetime:
    """A revision's ``modifiedTime``: a file's list of revisions only grows, so each
    sync that asks for it parses the same times again (parsed once a process)."""
    return _drive_time(modified)


def _drive_time(modified: str) -> datetime:
    """A time as Drive gives it (RFC 3339, ``Z`` for UTC)."""
    return datetime.fromisoformat(modified.replace("Z", "+00:00"))


def _first_row(updated_range: str) -> int:
    """The 1-based row of a range Google reports (``'Plan'!A12:I12``)."""
    cells = updated_range.rsplit("!", 1)[-1].split(":")[0]
    row, _ = a1_to_rowcol(cells)
    return int(row)


def _known(layout: SheetLayout) -> KnownSheet:
    if not isinstance(layout, KnownSheet):
        raise TypeError(f"not a layout GoogleMapSheets made: {layout!r}")
    return layout


def review_rows(update: SheetUpdate) -> list[list[str]]:
    """The rows ``update`` appends to the Reviews tab: a review's own rows, then its open
    risks in the sheet's words."""
    rows = [list(r) for r in update.review_rows]
    if update.review_on is not None:
        rows += review_risk_rows(update.computed.risks, update.review_on)
    return rows


def _plan_sheet_id(spreadsheet: dict[str, Any]) -> int | None:
    for sheet in spreadsheet.get("sheets", []):
        if sheet["properties"]["title"] == layout.PLAN_TAB:
            return int(sheet["properties"]["sheetId"])
    return None
