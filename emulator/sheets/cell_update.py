"""Writing ``CellData`` into a cell through a field mask (updateCells, repeatCell...).

Only the fields a client may write are stored: ``userEnteredValue``,
``userEnteredFormat``, ``note``, ``dataValidation``, ``textFormatRuns`` and
``pivotTable``; the rest (effective and formatted values, hyperlinks) are computed.
A ``stringValue`` that starts with ``=`` stays text, as in RAW input; a
``formulaValue`` is kept in Google's normal form. A value over Google's 50,000
characters raises :class:`~emulator.sheets.user_entered.CellTooLong`.
"""

from __future__ import annotations

from emulator.sheets import fields_mask
from emulator.sheets.fields_mask import json_copy
from emulator.sheets.model import Json, Sheet
from emulator.sheets.user_entered import check_cell_size, normal_formula

WRITABLE = (
    "userEnteredValue",
    "userEnteredFormat",
    "note",
    "dataValidation",
    "textFormatRuns",
    "pivotTable",
)


class ReadOnlyField(ValueError):
    pass


def writable_part(cell: Json | None) -> Json:
    """The stored part of a request's CellData."""
    source = {k: json_copy(v) for k, v in (cell or {}).items() if k in WRITABLE and v is not None}
    entered = source.get("userEnteredValue")
    if isinstance(entered, dict):
        if "errorValue" in entered:
            raise ReadOnlyField("Error values cannot be written; use a formula instead.")
        if "formulaValue" in entered:
            entered["formulaValue"] = normal_formula(str(entered["formulaValue"]))
        check_cell_size(entered)
        if not entered:
            source.pop("userEnteredValue")
    if source.get("note") == "":
        source.pop("note")
    return source


def update(sheet: Sheet, row: int, col: int, source: Json, mask: fields_mask.Mask) -> None:
    """Apply ``source`` (a ``writable_part``) to one cell through ``mask``."""
    cell = sheet.writable_cell(row, col)
    fields_mask.update(cell, source, mask)
    _mirror_written_colors(cell.get("userEnteredFormat"), source.get("userEnteredFormat"))
    for key in [k for k, v in cell.items() if v in ({}, None, "")]:
        del cell[key]
    for key in [k for k in cell if k not in WRITABLE]:
        del cell[key]


_COLOR_PAIRS = (
    ((), "backgroundColor", "backgroundColorStyle"),
    (("textFormat",), "foregroundColor", "foregroundColorStyle"),
)


def _mirror_written_colors(stored: Json | None, written: Json | None) -> None:
    """Google keeps a colour and its ColorStyle together: when a request wrote one of
    them, the other follows."""
    if not stored or not written:
        return
    for path, plain, style in _COLOR_PAIRS:
        target, source = stored, written
        for key in path:
            target, source = target.get(key) or {}, source.get(key) or {}
        if not target:
            continue
        if plain in source and style not in source and target.get(plain) == source[plain]:
            target[style] = {"rgbColor": json_copy(source[plain])}
        elif (
            "rgbColor" in source.get(style, {})
            and plain not in source
            and target.get(style) == source[style]
        ):
            target[plain] = json_copy(source[style]["rgbColor"])


def writable_mask(fields: str) -> fields_mask.Mask:
    """The parsed mask of an update's ``fields`` (``*`` keeps its meaning)."""
    return fields_mask.parse(fields)
