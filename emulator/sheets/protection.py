"""Protected ranges: who may edit them, how they read back, and enforcing them.

A protected range (``warningOnly`` false) may be edited only by its editors: the users
listed in ``editors.users``, everyone in the owner's domain when
``editors.domainUsersCanEdit`` is set, and always the spreadsheet's owner. Google adds
the user who creates a protection (and the owner) to its editors. A warning-only
protection stops nobody through the API; it ignores the editors written to it but
still records and reports its creator and the owner as editors, as Google does
(gspread's recorded ``WorksheetTest.test_add_protected_range_warning``). A protected
sheet (a range with only a ``sheetId``) leaves its ``unprotectedRanges`` open.

Writes by anyone else to a protected cell fail as at Google: 400 "You are trying to
edit a protected cell or object. Please contact the spreadsheet owner to remove
protection if you need to edit." The values API and every batchUpdate request that
changes cells check this; deleting a sheet that holds protected cells, and changing
the properties of a protected sheet, are refused the same way.
"""

from __future__ import annotations

from emulator.errors import GoogleApiError
from emulator.sheets import geometry
from emulator.sheets.fields_mask import json_copy
from emulator.sheets.model import Json, Sheet, Spreadsheet
from emulator.sheets.output import grid_range_json

PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet "
    "owner to remove protection if you need to edit."
)


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].casefold()


def can_edit(protected: Json, user: str, owner: str) -> bool:
    """Whether ``user`` may edit inside ``protected``."""
    if protected.get("warningOnly") or user.casefold() == owner.casefold():
        return True
    editors = protected.get("editors") or {}
    if any(u.casefold() == user.casefold() for u in editors.get("users", [])):
        return True
    return bool(editors.get("domainUsersCanEdit")) and _domain(user) == _domain(owner)


def editors_for_new(requested: Json | None, user: str, owner: str) -> Json:
    """The editors Google stores for a protection ``user`` creates."""
    editors = json_copy(requested or {})
    users: list[str] = list(editors.get("users", []))
    for email in (user, owner):
        if not any(u.casefold() == email.casefold() for u in users):
            users.append(email)
    editors["users"] = users
    if not editors.get("groups"):
        editors.pop("groups", None)
    if not editors.get("domainUsersCanEdit"):
        editors.pop("domainUsersCanEdit", None)
    return editors


def protected_range_json(
    spreadsheet: Spreadsheet, protected: Json, user: str, owner: str, writer: bool
) -> Json:
    """A ProtectedRange as ``user`` reads it (editors only for those who may edit)."""
    out = json_copy(protected)
    if "range" in out:
        out["range"] = grid_range_json(out["range"])
    if "unprotectedRanges" in out:
        out["unprotectedRanges"] = [grid_range_json(r) for r in out["unprotectedRanges"]]
    allowed = can_edit(protected, user, owner) and writer
    out["requestingUserCanEdit"] = allowed
    if not allowed:
        out.pop("editors", None)
    if not out.get("warningOnly"):
        out.pop("warningOnly", None)
    if not out["requestingUserCanEdit"]:
        del out["requestingUserCanEdit"]
    return out


def range_of(spreadsheet: Spreadsheet, protected: Json) -> Json | None:
    if "range" in protected:
        grid: Json = protected["range"]
        return grid
    named_id = protected.get("namedRangeId")
    for named in spreadsheet.named_ranges:
        if named.get("namedRangeId") == named_id:
            grid = named["range"]
            return grid
    return None


def check_writable(
    spreadsheet: Spreadsheet, sheet: Sheet, grid: Json, user: str, owner: str
) -> None:
    """Refuse, as Google does, a write by ``user`` into a protected part of ``grid``."""
    rows, cols = sheet.row_count, sheet.column_count
    target = {**grid, "sheetId": sheet.sheet_id}
    for protected in sheet.protected_ranges:
        if can_edit(protected, user, owner):
            continue
        rng = range_of(spreadsheet, protected)
        if rng is None or not geometry.intersects(rng, target, rows, cols):
            continue
        openings = protected.get("unprotectedRanges", [])
        inside = geometry.intersection(rng, target, rows, cols)
        if openings and _covered(inside, openings, rows, cols):
            continue
        raise GoogleApiError(400, PROTECTED_MESSAGE)


def _covered(target: Json, openings: list[Json], rows: int, cols: int) -> bool:
    """Whether every cell of ``target`` lies in one of ``openings``."""
    r0, r1 = geometry.span(target, geometry.ROWS, rows)
    c0, c1 = geometry.span(target, geometry.COLUMNS, cols)
    for r in range(r0, r1):
        for c in range(c0, c1):
            cell = {
                "sheetId": target["sheetId"],
                "startRowIndex": r,
                "endRowIndex": r + 1,
                "startColumnIndex": c,
                "endColumnIndex": c + 1,
            }
            if not any(geometry.contains(o, cell, rows, cols) for o in openings):
                return False
    return True
