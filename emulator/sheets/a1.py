"""A1 notation: reading the ranges clients send and writing the ones Google answers.

Reading accepts what the Sheets API accepts: ``Sheet1!A1:B2``, ``'My sheet'!A:C``
(``''`` escapes a quote), open ends (``A5:C``, ``A:A``, ``2:2``), reversed corners
(``D4:A1``), a bare sheet name (the whole grid), a bare ``A1:B2`` (the first visible
sheet), R1C1 (``R1C1:R2C3``) and named ranges, also behind a sheet name
(``Sheet1!MyRange``). A text that is both a sheet title and a cell (a sheet called
``D3``) is the sheet, as Google reads it.

Writing quotes a sheet name only where Google does (``Sheet1!A1`` but ``'My sheet'!A1``
and ``'D3'!A1``). Cell labels come from ``gspread.utils``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gspread.exceptions import IncorrectCellLabel
from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

from emulator.errors import GoogleApiError
from emulator.sheets.model import Json, Sheet, Spreadsheet

_PLAIN_NAME = re.compile(r"^[^\W\d]\w*$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|R\d+C\d+)$", re.IGNORECASE)
_A1_PART = re.compile(r"^(?:[A-Za-z]{1,3}\d+|(?:[A-Za-z]{1,3}\d*|\d+):(?:[A-Za-z]{1,3}\d*|\d+))$")
_R1C1 = re.compile(r"^R(\d+)C(\d+)(?::R(\d+)C(\d+))?$", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedRange:
    """A range of one sheet: ``grid`` is a GridRange (possibly open on some sides)."""

    sheet: Sheet
    grid: Json
    text: str

    @property
    def is_single_cell(self) -> bool:
        g = self.grid
        return (
            "startRowIndex" in g
            and "startColumnIndex" in g
            and g.get("endRowIndex") == g["startRowIndex"] + 1
            and g.get("endColumnIndex") == g["startColumnIndex"] + 1
        )


def unable_to_parse(text: str) -> GoogleApiError:
    return GoogleApiError(400, f"Unable to parse range: {text}")


def quote_sheet_name(title: str) -> str:
    """The sheet name as Google writes it in A1 ranges."""
    if _PLAIN_NAME.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _split_sheet(text: str) -> tuple[str | None, str]:
    """(sheet name or None, rest) of an A1 text."""
    if text.startswith("'"):
        i = 1
        name = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                if rest == "":
                    return "".join(name), ""
                raise unable_to_parse(text)
            name.append(ch)
            i += 1
        raise unable_to_parse(text)
    if "!" in text:
        sheet, _, rest = text.rpartition("!")
        return sheet, rest
    return None, text


def cells_to_grid(part: str) -> Json | None:
    """The GridRange (without sheetId) of an A1 or R1C1 cell part, or None."""
    match = _R1C1.match(part)
    if match:
        r1, c1 = int(match.group(1)), int(match.group(2))
        r2 = int(match.group(3) or r1)
        c2 = int(match.group(4) or c1)
        return {
            "startRowIndex": min(r1, r2) - 1,
            "endRowIndex": max(r1, r2),
            "startColumnIndex": min(c1, c2) - 1,
            "endColumnIndex": max(c1, c2),
        }
    if not _A1_PART.match(part):
        return None
    try:
        grid = a1_range_to_grid_range(part)
    except IncorrectCellLabel:
        return None
    if any(v < 0 for v in grid.values()):
        return None
    return grid


def first_visible_sheet(spreadsheet: Spreadsheet) -> Sheet:
    for sheet in spreadsheet.sheets:
        if not sheet.properties.get("hidden"):
            return sheet
    return spreadsheet.sheets[0]


def parse_range(spreadsheet: Spreadsheet, text: str) -> ResolvedRange:
    """Resolve an A1 range of ``spreadsheet``; Google's 400 if it means nothing."""
    raw = text.strip()
    if not raw:
        raise unable_to_parse(text)
    sheet_name, part = _split_sheet(raw)
    if sheet_name is None:
        whole = spreadsheet.sheet_by_title(part)
        if whole is not None:
            return ResolvedRange(whole, {"sheetId": whole.sheet_id}, text)
        named = spreadsheet.named_range(part)
        if named is not None:
            return _named(spreadsheet, named, text)
        grid = cells_to_grid(part)
        if grid is None:
            raise unable_to_parse(text)
        sheet = first_visible_sheet(spreadsheet)
        return ResolvedRange(sheet, {"sheetId": sheet.sheet_id, **grid}, text)
    titled = spreadsheet.sheet_by_title(sheet_name)
    if titled is None:
        raise unable_to_parse(text)
    if part == "":
        return ResolvedRange(titled, {"sheetId": titled.sheet_id}, text)
    grid = cells_to_grid(part)
    if grid is None:
        named = spreadsheet.named_range(part)
        if named is not None and named["range"].get("sheetId", 0) == titled.sheet_id:
            return _named(spreadsheet, named, text)
        raise unable_to_parse(text)
    return ResolvedRange(titled, {"sheetId": titled.sheet_id, **grid}, text)


def _named(spreadsheet: Spreadsheet, named: Json, text: str) -> ResolvedRange:
    grid = dict(named["range"])
    sheet = spreadsheet.sheet_by_id(int(grid.get("sheetId", 0)))
    if sheet is None:
        raise unable_to_parse(text)
    grid["sheetId"] = sheet.sheet_id
    return ResolvedRange(sheet, grid, text)


def bounded(sheet: Sheet, grid: Json) -> Json:
    """``grid`` with its open sides closed at the sheet's edges."""
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": int(grid.get("startRowIndex", 0)),
        "endRowIndex": int(grid.get("endRowIndex", sheet.row_count)),
        "startColumnIndex": int(grid.get("startColumnIndex", 0)),
        "endColumnIndex": int(grid.get("endColumnIndex", sheet.column_count)),
    }


def cells_label(grid: Json) -> str:
    """The cell part of a GridRange in A1 (``A1``, ``A1:D4``, ``A5:C``, ``AA1:2``)."""
    sr, er = grid.get("startRowIndex"), grid.get("endRowIndex")
    sc, ec = grid.get("startColumnIndex"), grid.get("endColumnIndex")
    if sr is not None and er is not None and sc is not None and ec is not None:
        start = rowcol_to_a1(sr + 1, sc + 1)
        end = rowcol_to_a1(er, ec)
        return start if start == end else f"{start}:{end}"
    start = (_col_letters(sc) if sc is not None else "") + (str(sr + 1) if sr is not None else "")
    end = (_col_letters(ec - 1) if ec is not None else "") + (str(er) if er is not None else "")
    if sr is None and sc is not None and ec is not None and er is None:
        start, end = _col_letters(sc), _col_letters(ec - 1)
    return f"{start}:{end}"


def _col_letters(index: int) -> str:
    return re.sub(r"\d+$", "", rowcol_to_a1(1, index + 1))


def format_range(sheet: Sheet, grid: Json) -> str:
    """``Sheet1!A1:D4`` for a bounded GridRange of ``sheet``."""
    return f"{quote_sheet_name(sheet.title)}!{cells_label(grid)}"


def exceeds_grid(sheet: Sheet, grid: Json) -> GoogleApiError | None:
    """Google's 400 when ``grid`` reaches outside the sheet, else None."""
    rows, cols = sheet.row_count, sheet.column_count
    too_far = (
        grid.get("endRowIndex", 0) > rows
        or grid.get("endColumnIndex", 0) > cols
        or grid.get("startRowIndex", 0) >= rows
        or grid.get("startColumnIndex", 0) >= cols
    )
    if not too_far:
        return None
    label = format_range(sheet, grid)
    return GoogleApiError(
        400,
        f"Range ({label}) exceeds grid limits. Max rows: {rows}, max columns: {cols}",
    )
