"""Keeping formulas pointing at the same cells when the grid changes, as Sheets does.

Inserting or deleting rows or columns rewrites every reference to the sheet that
changed, in every formula of the spreadsheet (``=SUM(B2:B9)`` becomes ``=SUM(B2:B12)``
after three rows are inserted inside it; absolute references move too). A reference
whose cells are all deleted becomes ``#REF!``. Renaming a sheet rewrites the references
that name it; deleting a sheet turns them into ``#REF!``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gspread.utils import column_letter_to_index, rowcol_to_a1

from emulator.sheets import formula_parser as fp
from emulator.sheets.a1 import quote_sheet_name
from emulator.sheets.geometry import ROWS, SpanChange
from emulator.sheets.model import Sheet, Spreadsheet

_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?$")


def _formulas(spreadsheet: Spreadsheet) -> list[tuple[Sheet, dict[str, str]]]:
    found = []
    for sheet in spreadsheet.sheets:
        for line in sheet.rows:
            for cell in line:
                entered = (cell or {}).get("userEnteredValue")
                if entered and "formulaValue" in entered:
                    found.append((sheet, entered))
    return found


def _rewrite(
    formula: str,
    points_here: Callable[[str | None], bool],
    on_ref: Callable[[str, str], str | None],
) -> str:
    """``formula`` with each reference ``points_here`` accepts (by its sheet name, None
    when unqualified) replaced by ``on_ref(sheet prefix, cells)`` (None: ``#REF!``)."""
    try:
        tokens = fp.tokenize(formula[1:])
    except fp.FormulaSyntaxError:
        return formula
    out: list[str] = []
    changed = False
    for token in tokens:
        sheet_part, bang, cells = token.text.rpartition("!")
        name = sheet_part[1:-1].replace("''", "'") if sheet_part.startswith("'") else sheet_part
        if token.kind != "ref" or not points_here(name if bang else None):
            out.append(token.text)
            continue
        new = on_ref(sheet_part + bang, cells)
        changed = changed or new != token.text
        out.append("#REF!" if new is None else new)
    return "=" + "".join(out) if changed else formula


def shift(spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, change: SpanChange) -> None:
    """Rewrite references to ``sheet`` after rows or columns moved by ``change``."""
    target = sheet.title.casefold()

    def on_ref(prefix: str, cells: str) -> str | None:
        moved = _shift_cells(cells, dimension, change)
        return None if moved is None else prefix + moved

    for home, entered in _formulas(spreadsheet):
        here = home.title

        def points_here(name: str | None, here: str = here) -> bool:
            return (name if name is not None else here).casefold() == target

        entered["formulaValue"] = _rewrite(entered["formulaValue"], points_here, on_ref)


def rename(spreadsheet: Spreadsheet, old_title: str, new_title: str) -> None:
    """Rewrite the references that name a sheet after it is renamed."""
    quoted = quote_sheet_name(new_title) + "!"
    old = old_title.casefold()
    for _, entered in _formulas(spreadsheet):
        entered["formulaValue"] = _rewrite(
            entered["formulaValue"],
            lambda name: name is not None and name.casefold() == old,
            lambda prefix, cells: quoted + cells,
        )


def removed(spreadsheet: Spreadsheet, title: str) -> None:
    """References that name a deleted sheet become ``#REF!``."""
    gone = title.casefold()
    for _, entered in _formulas(spreadsheet):
        entered["formulaValue"] = _rewrite(
            entered["formulaValue"],
            lambda name: name is not None and name.casefold() == gone,
            lambda prefix, cells: None,
        )


def moved(formula: str, rows: int, cols: int) -> str:
    """``formula`` as if copied ``rows`` down and ``cols`` right: the relative parts of
    its references move, the ``$`` parts stay (how a conditional format rule's custom
    formula reads for each cell of its range). A reference moved off the grid is
    ``#REF!``."""

    def on_ref(prefix: str, cells: str) -> str | None:
        corners = []
        for part in cells.split(":"):
            match = _CELL.match(part)
            if match is None:
                return prefix + cells  # a named range: not moved
            dollar_col, col, dollar_row, row = match.groups()
            if col and not dollar_col:
                index = column_letter_to_index(col) - 1 + cols
                if index < 0:
                    return None
                col = _letters(index)
            if row and not dollar_row:
                number = int(row) + rows
                if number < 1:
                    return None
                row = str(number)
            corners.append(f"{dollar_col}{col or ''}{dollar_row}{row or ''}")
        return prefix + ":".join(corners)

    if rows == 0 and cols == 0:
        return formula
    return _rewrite(formula, lambda name: True, on_ref)


def _shift_cells(cells: str, dimension: str, change: SpanChange) -> str | None:
    parts = cells.split(":")
    parsed = [_CELL.match(p) for p in parts]
    if any(m is None for m in parsed):
        return cells
    corners = [(m.group(1), m.group(2), m.group(3), m.group(4)) for m in parsed if m is not None]
    index = 3 if dimension == ROWS else 1
    values = [c[index] for c in corners]
    if any(v is None for v in values):
        return cells
    if dimension == ROWS:
        numbers = [int(v) - 1 for v in values if v is not None]
    else:
        numbers = [column_letter_to_index(v) - 1 for v in values if v is not None]
    start, end = min(numbers), max(numbers) + 1
    moved = change(start, end)
    if moved is None:
        return None
    new_start, new_end = moved
    if new_start is None or new_end is None:
        return cells
    new_numbers = [new_start, new_end - 1] if len(corners) == 2 else [new_start]
    if len(corners) == 2 and numbers[0] > numbers[1]:
        new_numbers.reverse()
    rebuilt = []
    for (dollar_col, col, dollar_row, row), number in zip(corners, new_numbers, strict=True):
        if dimension == ROWS:
            row = str(number + 1)
        else:
            col = _letters(number)
        rebuilt.append(f"{dollar_col}{col or ''}{dollar_row}{row or ''}")
    return ":".join(rebuilt)


def _letters(index: int) -> str:
    return re.sub(r"\d+$", "", rowcol_to_a1(1, index + 1))
