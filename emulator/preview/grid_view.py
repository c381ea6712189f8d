"""A spreadsheet resource (``spreadsheets.get`` with grid data) as the preview's view
model: per tab, the columns and rows to draw and, per cell, what Sheets would show.

Per cell (keys left out when empty): ``v`` the formatted value, ``e`` the text an editor
starts with when it differs (a formula), ``st`` CSS declarations (effective format with
the first matching conditional rule over it; a custom formula is evaluated for each cell
of its range, its relative references moved from the range's top-left cell, against the
tab's own values: a reference to another tab never matches), ``n`` the note, ``dd`` dropdown choices
(ONE_OF_LIST), ``date`` for a date-validated cell, ``hint`` the validation's input
message, ``p`` the protection (``d`` its description, ``w`` warning only), ``rs``/``cs``
for the top-left cell of a merge and ``m`` for a cell a merge covers, ``ov`` the width
in pixels left-aligned text may overflow into (empty cells to its right), ``wrap``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.preview import cell_style
from emulator.sheets import formula_eval, formula_refs
from emulator.sheets.a1 import cells_to_grid
from emulator.sheets.formula_values import FormulaError, Matrix
from emulator.sheets.render import scalar_of

Json = dict[str, Any]

DEFAULT_COLUMN_PX = 100
DEFAULT_ROW_PX = 21
# Blank rows and columns drawn after the last one with content, as room to type.
SPARE_ROWS = 6
SPARE_COLUMNS = 1
MIN_ROWS = 20
MIN_COLUMNS = 6


def column_letter(index: int) -> str:
    """``A`` for 0, ``Z`` for 25, ``AA`` for 26."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def spreadsheet_view(resource: Json) -> list[Json]:
    """The tabs of a spreadsheet, in tab order."""
    named = {
        str(n.get("namedRangeId")): n.get("range") or {} for n in resource.get("namedRanges") or []
    }
    sheets = sorted(resource.get("sheets") or [], key=lambda s: s["properties"].get("index", 0))
    return [tab_view(sheet, named) for sheet in sheets]


@dataclass(frozen=True)
class _Span:
    r0: int
    r1: int
    c0: int
    c1: int

    def holds(self, row: int, col: int) -> bool:
        return self.r0 <= row < self.r1 and self.c0 <= col < self.c1


def _span(grid: Json, rows: int, cols: int) -> _Span:
    return _Span(
        int(grid.get("startRowIndex", 0)),
        int(grid.get("endRowIndex", rows)),
        int(grid.get("startColumnIndex", 0)),
        int(grid.get("endColumnIndex", cols)),
    )


@dataclass(frozen=True)
class _Protection:
    span: _Span
    openings: tuple[_Span, ...]
    description: str
    warning_only: bool

    def covers(self, row: int, col: int) -> bool:
        return self.span.holds(row, col) and not any(o.holds(row, col) for o in self.openings)


def _protections(sheet: Json, named: dict[str, Json], rows: int, cols: int) -> list[_Protection]:
    found = []
    for protected in sheet.get("protectedRanges") or []:
        grid = protected.get("range")
        if grid is None:
            grid = named.get(str(protected.get("namedRangeId")))
        if grid is None:
            continue
        openings = tuple(_span(o, rows, cols) for o in protected.get("unprotectedRanges") or [])
        found.append(
            _Protection(
                _span(grid, rows, cols),
                openings,
                str(protected.get("description") or ""),
                bool(protected.get("warningOnly")),
            )
        )
    return found


def _rules(sheet: Json, rows: int, cols: int) -> list[tuple[list[_Span], Json]]:
    rules = []
    for rule in sheet.get("conditionalFormats") or []:
        boolean = rule.get("booleanRule")
        if not boolean:
            continue
        spans = [_span(r, rows, cols) for r in rule.get("ranges") or []]
        rules.append((spans, boolean))
    return rules


def _has_content(cell: Json | None) -> bool:
    return bool(cell) and bool(cell.get("formattedValue") or cell.get("note"))  # type: ignore[union-attr]


def _extent(row_data: list[Json], merges: list[_Span], rows: int, cols: int) -> tuple[int, int]:
    last_row, last_col = -1, -1
    for r, row in enumerate(row_data):
        for c, cell in enumerate(row.get("values") or []):
            if _has_content(cell):
                last_row, last_col = max(last_row, r), max(last_col, c)
    for merge in merges:
        last_row, last_col = max(last_row, merge.r1 - 1), max(last_col, merge.c1 - 1)
    shown_rows = min(rows, max(last_row + 1 + SPARE_ROWS, MIN_ROWS))
    shown_cols = min(cols, max(last_col + 1 + SPARE_COLUMNS, MIN_COLUMNS))
    return shown_rows, shown_cols


def tab_view(sheet: Json, named: dict[str, Json] | None = None) -> Json:
    props = sheet.get("properties") or {}
    grid_props = props.get("gridProperties") or {}
    rows, cols = int(grid_props.get("rowCount", 1000)), int(grid_props.get("columnCount", 26))
    data = (sheet.get("data") or [{}])[0]
    row_data: list[Json] = data.get("rowData") or []
    row_meta: list[Json] = data.get("rowMetadata") or []
    col_meta: list[Json] = data.get("columnMetadata") or []
    merges = [_span(m, rows, cols) for m in sheet.get("merges") or []]
    shown_rows, shown_cols = _extent(row_data, merges, rows, cols)

    columns = []
    for c in range(shown_cols):
        meta = col_meta[c] if c < len(col_meta) else {}
        columns.append(
            {
                "i": c,
                "letter": column_letter(c),
                "w": int(meta.get("pixelSize", DEFAULT_COLUMN_PX)),
                "hidden": bool(meta.get("hiddenByUser") or meta.get("hiddenByFilter")),
            }
        )
    builder = _CellBuilder(
        sheet, named or {}, rows, cols, merges, columns, row_data, shown_cols=shown_cols
    )
    out_rows = []
    for r in range(shown_rows):
        meta = row_meta[r] if r < len(row_meta) else {}
        out_rows.append(
            {
                "i": r,
                "h": int(meta.get("pixelSize", DEFAULT_ROW_PX)),
                "hidden": bool(meta.get("hiddenByUser") or meta.get("hiddenByFilter")),
                "c": [builder.cell(r, c) for c in range(shown_cols)],
            }
        )
    return {
        "sheet_id": props.get("sheetId"),
        "title": props.get("title", ""),
        "hidden": bool(props.get("hidden")),
        "tab_color": cell_style.hex_color(props.get("tabColor")),
        "frozen_rows": int(grid_props.get("frozenRowCount", 0)),
        "frozen_columns": int(grid_props.get("frozenColumnCount", 0)),
        "row_count": rows,
        "column_count": cols,
        "columns": columns,
        "rows": out_rows,
    }


class _CellBuilder:
    def __init__(
        self,
        sheet: Json,
        named: dict[str, Json],
        rows: int,
        cols: int,
        merges: list[_Span],
        columns: list[Json],
        row_data: list[Json],
        *,
        shown_cols: int,
    ) -> None:
        self.protections = _protections(sheet, named, rows, cols)
        self.rules = _rules(sheet, rows, cols)
        self.title = str((sheet.get("properties") or {}).get("title", ""))
        self.merges = merges
        self.columns = columns
        self.row_data = row_data
        self.shown_cols = shown_cols

    def raw(self, r: int, c: int) -> Json:
        if r >= len(self.row_data):
            return {}
        values = self.row_data[r].get("values") or []
        return values[c] if c < len(values) and values[c] else {}

    def merge_at(self, r: int, c: int) -> _Span | None:
        return next((m for m in self.merges if m.holds(r, c)), None)

    def cell(self, r: int, c: int) -> Json:
        merge = self.merge_at(r, c)
        if merge is not None and (merge.r0, merge.c0) != (r, c):
            return {"m": 1}
        raw = self.raw(r, c)
        text = str(raw.get("formattedValue") or "")
        is_number = "numberValue" in (raw.get("effectiveValue") or {})
        fmt: Json = raw.get("effectiveFormat") or {}
        for spans, rule in self.rules:
            if any(s.holds(r, c) for s in spans) and self._matches(
                rule.get("condition") or {}, spans[0], r, c, text, is_number=is_number
            ):
                fmt = cell_style.with_rule_format(fmt, rule.get("format") or {})
                break
        out: Json = {}
        if text:
            out["v"] = text
        formula = (raw.get("userEnteredValue") or {}).get("formulaValue")
        if formula:
            out["e"] = formula
        css = cell_style.cell_css(fmt, is_number=is_number)
        if css:
            out["st"] = css
        if raw.get("note"):
            out["n"] = str(raw["note"])
        self._validation(raw.get("dataValidation"), out)
        protection = next((p for p in self.protections if p.covers(r, c)), None)
        if protection is not None:
            out["p"] = {"d": protection.description, "w": protection.warning_only}
        if merge is not None:
            out["rs"], out["cs"] = merge.r1 - merge.r0, merge.c1 - merge.c0
        wrap = cell_style.wraps(fmt)
        if wrap != "overflow":
            out["wrap"] = wrap
        elif text and not is_number and merge is None and "text-align" not in css:
            reach = self._overflow_width(r, c)
            if reach > self.columns[c]["w"]:
                out["ov"] = reach
        return out

    def _matches(
        self, condition: Json, anchor: _Span, r: int, c: int, text: str, *, is_number: bool
    ) -> bool:
        if condition.get("type") != "CUSTOM_FORMULA":
            return cell_style.condition_matches(condition, text, is_number=is_number)
        values = condition.get("values") or [{}]
        formula = str(values[0].get("userEnteredValue", ""))
        if not formula.startswith("="):
            return False
        here = formula_refs.moved(formula, r - anchor.r0, c - anchor.c0)
        value = formula_eval.evaluate(here, self._resolve)
        return not isinstance(value, FormulaError | str) and bool(value)

    def _resolve(self, sheet_name: str | None, cells: str) -> Matrix | FormulaError:
        """The tab's own values for a reference in a rule's formula."""
        grid = cells_to_grid(cells) if sheet_name in (None, self.title) else None
        if grid is None:
            return FormulaError("REF", "The preview evaluates references to this tab only.")
        r0, c0 = int(grid.get("startRowIndex", 0)), int(grid.get("startColumnIndex", 0))
        r1 = int(grid.get("endRowIndex", len(self.row_data)))
        c1 = int(grid.get("endColumnIndex", self.shown_cols))
        return [
            [scalar_of(self.raw(r, c).get("effectiveValue")) for c in range(c0, c1)]
            for r in range(r0, r1)
        ]

    def _overflow_width(self, r: int, c: int) -> int:
        """Own width plus the widths of the empty cells to the right, as Sheets lets
        left-aligned text run on over them."""
        width = int(self.columns[c]["w"])
        for k in range(c + 1, self.shown_cols):
            column = self.columns[k]
            if column["hidden"]:
                continue
            if self.raw(r, k).get("formattedValue") or self.merge_at(r, k) is not None:
                break
            width += int(column["w"])
        return width

    @staticmethod
    def _validation(rule: Json | None, out: Json) -> None:
        if not rule:
            return
        condition = rule.get("condition") or {}
        kind = condition.get("type")
        if kind == "ONE_OF_LIST":
            out["dd"] = [str(v.get("userEnteredValue", "")) for v in condition.get("values") or []]
            if rule.get("strict"):
                out["strict"] = True
        elif kind == "DATE_IS_VALID":
            out["date"] = True
        if rule.get("inputMessage"):
            out["hint"] = str(rule["inputMessage"])
