"""``spreadsheets.batchUpdate``: requests applied in order, all or nothing.

The requests run on the stored spreadsheet through ``Spreadsheet.atomically``: when one
of them fails, the spreadsheet is put back as it was before the first, so a failing
request leaves nothing changed (Google's batchUpdate is atomic). Each request gets one reply, ``{}``
for the kinds that have none. A failing request is named the way Google names it:
``Invalid requests[3].addSheet: A sheet with the name "X" already exists...``.

The request kinds live in ``requests_*.py`` modules, one per family; a kind Google
has but the emulator does not model answers 400 saying so, so that a gap is never
mistaken for success.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.errors import GoogleApiError, invalid_request
from emulator.sheets import protection, request_schema
from emulator.sheets.a1 import bounded, exceeds_grid
from emulator.sheets.model import Json, Sheet, Spreadsheet


@dataclass
class RequestContext:
    """What a request handler works with: the spreadsheet and who asks."""

    spreadsheet: Spreadsheet
    user: str
    owner: str
    index: int
    kind: str

    def fail(self, message: str) -> GoogleApiError:
        return invalid_request(self.index, self.kind, message)

    def sheet(self, sheet_id: Any) -> Sheet:
        sheet = self.spreadsheet.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise self.fail(f"No grid with id: {int(sheet_id or 0)}")
        return sheet

    def grid(self, grid: Json | None, *, check_bounds: bool = True) -> tuple[Sheet, Json]:
        """The sheet and bounded GridRange of a request's range."""
        grid = dict(grid or {})
        sheet = self.sheet(grid.get("sheetId", 0))
        grid["sheetId"] = sheet.sheet_id
        if check_bounds:
            error = exceeds_grid(sheet, grid)
            if error is not None:
                raise self.fail(error.message)
        for start, end in (
            ("startRowIndex", "endRowIndex"),
            ("startColumnIndex", "endColumnIndex"),
        ):
            if start in grid and end in grid and int(grid[start]) > int(grid[end]):
                raise self.fail(f"Invalid range: {start} must be less than or equal to {end}.")
        return sheet, bounded(sheet, grid)

    def check_writable(self, sheet: Sheet, grid: Json) -> None:
        try:
            protection.check_writable(self.spreadsheet, sheet, grid, self.user, self.owner)
        except GoogleApiError as exc:
            raise self.fail(exc.message) from exc


Handler = Callable[[RequestContext, Json], Json | None]

MISSING_FIELDS = "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"


@functools.cache
def handlers() -> dict[str, Handler]:
    """Every request kind the emulator applies, by its name in ``Request`` (the
    families import this module, so they are loaded on first use)."""
    table: dict[str, Handler] = {}
    for family in ("sheets", "cells", "moves", "dimensions", "ranges", "metadata"):
        module = importlib.import_module(f"emulator.sheets.requests_{family}")
        table.update(module.HANDLERS)
    return table


def run(spreadsheet: Spreadsheet, body: Json, *, user: str, owner: str) -> list[Json]:
    """Apply the requests of a batchUpdate body to ``spreadsheet`` in place; the replies.

    Callers run it inside ``Spreadsheet.atomically``, which undoes it if it raises."""
    requests = body.get("requests")
    if not requests:
        raise GoogleApiError(400, "Must specify at least one request.")
    if not isinstance(requests, list):
        raise GoogleApiError(400, "Invalid JSON payload received. 'requests' must be a list.")
    request_schema.check_requests(requests)
    table = handlers()
    replies: list[Json] = []
    for index, request in enumerate(requests):
        kinds = [k for k, v in request.items() if v is not None]
        if len(kinds) != 1:
            raise GoogleApiError(400, f"Invalid requests[{index}]: No request set.")
        kind = kinds[0]
        handler = table.get(kind)
        if handler is None:
            raise invalid_request(index, kind, f"{kind} is not supported by the local emulator.")
        params = request[kind] or {}
        ctx = RequestContext(spreadsheet, user, owner, index, kind)
        reply = handler(ctx, params)
        replies.append({kind: reply} if reply is not None else {})
    return replies
