"""Reading cells: effective values, formatted values and full ``CellData``.

A :class:`Renderer` reads one spreadsheet for one request. It evaluates formulas on
demand (each cell once per request, circular references answer ``#REF!``) and renders
values the way the three ``ValueRenderOption``s and two ``DateTimeRenderOption``s say.

The effective format of a cell is its own format over the default text format, with the
number format its value implies (a date for ``=TODAY()``, the referenced cell's format
for ``=A1``), in the shape Google answers today (``textFormat`` and
``hyperlinkDisplayType``; the spreadsheet-wide defaults such as the white background
are not repeated). Conditional formatting is not folded into it.
"""

from __future__ import annotations

from typing import Any

from emulator.sheets import fields_mask
from emulator.sheets import formula_eval as fe
from emulator.sheets.a1 import cells_to_grid
from emulator.sheets.formula_values import FormulaError, Matrix, Scalar
from emulator.sheets.model import Cell, Json, Sheet, Spreadsheet
from emulator.sheets.number_format import DATE_TYPES, format_number, json_number

# What Google infers for =DATE(...) and =NOW(): a type without a pattern.
DEFAULT_DATE_FORMAT = {"type": "DATE"}
DEFAULT_DATE_TIME_FORMAT = {"type": "DATE_TIME"}
_CIRCULAR = FormulaError(
    "REF",
    "Circular dependency detected. To resolve with iterative calculation, see File > Settings.",
)


def scalar_of(value: Json | None) -> Scalar:
    """The Python value of an ExtendedValue (not for formulas)."""
    if not value:
        return None
    if "numberValue" in value:
        return float(value["numberValue"])
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        err = value["errorValue"]
        return FormulaError(err.get("type", "ERROR"), err.get("message", ""))
    return None


def extended_value(value: Scalar) -> Json | None:
    """An ExtendedValue for a Python value (None for an empty one)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float | int):
        return {"numberValue": json_number(value)}
    if isinstance(value, FormulaError):
        error = (
            {"type": value.type, "message": value.message}
            if value.message
            else {"type": value.type}
        )
        return {"errorValue": error}
    return {"stringValue": value}


# The CellData fields a cell is read with (``cell_data``).
_CELL_FIELDS = (
    "userEnteredValue",
    "effectiveValue",
    "formattedValue",
    "userEnteredFormat",
    "effectiveFormat",
    "hyperlink",
    "note",
    "textFormatRuns",
    "dataValidation",
)


def merge_format(base: Json, over: Json) -> Json:
    """``over`` laid on ``base`` (nested dicts merged, the rest replaced)."""
    out: Json = fields_mask.json_copy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_format(out[key], value)
        else:
            out[key] = fields_mask.json_copy(value)
    return out


class Renderer:
    """Reads the cells of one spreadsheet (formulas evaluated once per renderer)."""

    def __init__(self, spreadsheet: Spreadsheet, cell_mask: fields_mask.Mask | None = None) -> None:
        self.spreadsheet = spreadsheet
        # ``cell_mask`` is the field mask of the CellData a response keeps (None: all
        # of it): the fields kept, each with its own mask; the others are not computed.
        self._cell_fields: dict[str, fields_mask.Mask | None] = (
            dict.fromkeys(_CELL_FIELDS)
            if cell_mask is None or "*" in cell_mask
            else {key: cell_mask[key] for key in _CELL_FIELDS if key in cell_mask}
        )
        self._memo: dict[tuple[int, int, int], tuple[Scalar, Json | None]] = {}
        self._extents: dict[int, tuple[int, int]] = {}
        self._active: set[tuple[int, int, int]] = set()

    # -- effective values ---------------------------------------------------------
    def effective(self, sheet: Sheet, row: int, col: int) -> tuple[Scalar, Json | None]:
        """(value, number format) of a cell."""
        cell = sheet.cell(row, col)
        if not cell:
            return None, None
        own_format = (cell.get("userEnteredFormat") or {}).get("numberFormat")
        entered = cell.get("userEnteredValue") or {}
        formula = entered.get("formulaValue")
        if formula is None:
            return scalar_of(entered), own_format
        key = (sheet.sheet_id, row, col)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return _CIRCULAR, own_format
        self._active.add(key)
        try:
            value = fe.evaluate(formula, lambda name, cells: self._resolve(sheet, name, cells))
        finally:
            self._active.discard(key)
        implied = own_format or self._implied_format(sheet, formula, value)
        self._memo[key] = (value, implied)
        return value, implied

    def _implied_format(self, sheet: Sheet, formula: str, value: Scalar) -> Json | None:
        if not isinstance(value, float):
            return None
        kind = fe.date_functions_in(formula)
        if kind == "DATE":
            return dict(DEFAULT_DATE_FORMAT)
        if kind == "DATE_TIME":
            return dict(DEFAULT_DATE_TIME_FORMAT)
        body = formula[1:].strip().replace("$", "")
        grid = cells_to_grid(body.upper()) if body.isalnum() else None
        if grid is not None and grid.get("endRowIndex", 0) - grid.get("startRowIndex", 0) == 1:
            _, fmt = self.effective(sheet, grid["startRowIndex"], grid["startColumnIndex"])
            return fmt
        return None

    def _resolve(self, here: Sheet, sheet_name: str | None, cells: str) -> Matrix | FormulaError:
        sheet = here
        if sheet_name is not None:
            found = self.spreadsheet.sheet_by_title(sheet_name)
            if found is None:
                return FormulaError("REF", f"Unresolved sheet name '{sheet_name}'.")
            sheet = found
        grid = cells_to_grid(cells)
        if grid is None:
            named = self.spreadsheet.named_range(cells)
            if named is None:
                return FormulaError("NAME", f"Unknown range name: '{cells}'.")
            grid = dict(named["range"])
            found = self.spreadsheet.sheet_by_id(int(grid.get("sheetId", 0)))
            if found is None:
                return FormulaError("REF", "Reference does not exist.")
            sheet = found
        data_rows, data_cols = self.extent(sheet)
        r0 = int(grid.get("startRowIndex", 0))
        c0 = int(grid.get("startColumnIndex", 0))
        r1 = int(grid.get("endRowIndex", data_rows))
        c1 = int(grid.get("endColumnIndex", data_cols))
        if r1 > sheet.row_count or c1 > sheet.column_count:
            return FormulaError("REF", "Reference does not exist.")
        return [[self.effective(sheet, r, c)[0] for c in range(c0, c1)] for r in range(r0, r1)]

    def extent(self, sheet: Sheet) -> tuple[int, int]:
        """The sheet's data extent, computed once per renderer (reads do not change it)."""
        found = self._extents.get(sheet.sheet_id)
        if found is None:
            found = self._extents[sheet.sheet_id] = sheet.data_extent()
        return found

    # -- rendering ------------------------------------------------------------------
    def formatted(self, sheet: Sheet, row: int, col: int) -> str:
        value, fmt = self.effective(sheet, row, col)
        return format_value(value, fmt)

    def value_for(self, sheet: Sheet, row: int, col: int, render: str, dates: str) -> Any:
        """A cell as the values API returns it ('' for an empty cell)."""
        if render == "FORMATTED_VALUE":
            return self.formatted(sheet, row, col)
        cell = sheet.cell(row, col)
        if render == "FORMULA" and cell:
            formula = (cell.get("userEnteredValue") or {}).get("formulaValue")
            if formula is not None:
                return formula
        value, fmt = self.effective(sheet, row, col)
        if value is None:
            return ""
        if isinstance(value, FormulaError):
            return value.text
        if isinstance(value, bool | str):
            return value
        if dates == "FORMATTED_STRING" and (fmt or {}).get("type") in DATE_TYPES:
            return format_value(value, fmt)
        return json_number(value)

    def cell_data(self, sheet: Sheet, row: int, col: int) -> Json:
        """The ``CellData`` of a cell ({} for an empty one), cut to ``cell_mask`` and
        sharing nothing with the stored cell."""
        cell: Cell | None = sheet.cell(row, col)
        if not cell:
            return {}
        keep = self._cell_fields
        out: Json = {}
        entered = cell.get("userEnteredValue")
        needs_value = (
            "effectiveValue" in keep or "formattedValue" in keep or "effectiveFormat" in keep
        )
        value, fmt = self.effective(sheet, row, col) if entered and needs_value else (None, None)
        if entered:
            if "userEnteredValue" in keep:
                out["userEnteredValue"] = fields_mask.select(entered, keep["userEnteredValue"])
            # A formula whose result is empty ("" or nothing) has neither.
            if value is not None and value != "":
                effective = extended_value(value) if "effectiveValue" in keep else None
                if effective is not None:
                    out["effectiveValue"] = fields_mask.apply(effective, keep["effectiveValue"])
                if "formattedValue" in keep:
                    out["formattedValue"] = format_value(value, fmt)
        own_format = cell.get("userEnteredFormat")
        if own_format and "userEnteredFormat" in keep:
            out["userEnteredFormat"] = fields_mask.select(own_format, keep["userEnteredFormat"])
        if (entered or own_format) and "effectiveFormat" in keep:
            effective_fmt = effective_format(
                own_format or {}, fmt, linked=bool(entered) and value is not None
            )
            out["effectiveFormat"] = fields_mask.apply(effective_fmt, keep["effectiveFormat"])
        for key in ("hyperlink", "note", "textFormatRuns", "dataValidation"):
            if key in cell and key in keep:
                out[key] = fields_mask.select(cell[key], keep[key])
        return out


_TEXT_FORMAT: Json = {
    "foregroundColor": {},
    "fontFamily": "Arial",
    "fontSize": 10,
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "foregroundColorStyle": {"rgbColor": {}},
}
# CellFormat's fields in the order Google writes them.
_FORMAT_ORDER = (
    "numberFormat",
    "backgroundColor",
    "borders",
    "padding",
    "horizontalAlignment",
    "verticalAlignment",
    "wrapStrategy",
    "textDirection",
    "textFormat",
    "hyperlinkDisplayType",
    "textRotation",
    "backgroundColorStyle",
)


def effective_format(own: Json, number_format: Json | None, *, linked: bool) -> Json:
    """A cell's effective format as Google answers it today: the cell's own format, the
    number format its value implies, the default text format (10pt Arial) and, for a
    cell with a value, ``hyperlinkDisplayType``."""
    merged = fields_mask.json_copy(own)
    merged["textFormat"] = merge_format(_TEXT_FORMAT, own.get("textFormat") or {})
    if number_format:
        merged["numberFormat"] = fields_mask.json_copy(number_format)
    if linked:
        merged.setdefault("hyperlinkDisplayType", "PLAIN_TEXT")
    mirror_color_styles(merged)
    ordered = {key: merged[key] for key in _FORMAT_ORDER if key in merged}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered


def mirror_color_styles(fmt: Json) -> None:
    """Fill ``backgroundColorStyle``/``foregroundColorStyle`` (and border
    ``colorStyle``) from their plain colours and back, as Google keeps both."""
    _mirror(fmt, "backgroundColor", "backgroundColorStyle")
    text = fmt.get("textFormat")
    if isinstance(text, dict):
        _mirror(text, "foregroundColor", "foregroundColorStyle")
    for border in (fmt.get("borders") or {}).values():
        if isinstance(border, dict):
            _mirror(border, "color", "colorStyle")


def _mirror(holder: Json, plain: str, style: str) -> None:
    if plain in holder and style not in holder:
        holder[style] = {"rgbColor": fields_mask.json_copy(holder[plain])}
    elif style in holder and plain not in holder and "rgbColor" in holder[style]:
        holder[plain] = fields_mask.json_copy(holder[style]["rgbColor"])


def format_value(value: Scalar, number_format: Json | None) -> str:
    """The formatted value Sheets shows for a value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, FormulaError):
        return value.text
    if isinstance(value, float | int):
        return format_number(float(value), number_format)
    return value
