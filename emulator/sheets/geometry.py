"""Ranges on the grid: intersections, and how ranges move when rows or columns do.

When rows or columns are inserted or deleted, everything anchored to them moves with
them, as at Google: merges, named and protected ranges, conditional formats, filters,
bandings, dimension groups and row/column developer metadata. A range that loses all
its rows (or columns) vanishes; ``reanchor`` reports that so the owner can drop it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from emulator.sheets.model import Json, Sheet, Spreadsheet

ROWS = "ROWS"
COLUMNS = "COLUMNS"

# A change of one dimension: returns the new (start, end) of a span, or None if gone.
SpanChange = Callable[[int | None, int | None], tuple[int | None, int | None] | None]


def grid_keys(dimension: str) -> tuple[str, str]:
    if dimension == ROWS:
        return "startRowIndex", "endRowIndex"
    return "startColumnIndex", "endColumnIndex"


def inserted(at: int, count: int) -> SpanChange:
    """How a span moves when ``count`` rows/columns are inserted before index ``at``."""

    def change(s: int | None, e: int | None) -> tuple[int | None, int | None]:
        new_s = s + count if s is not None and s >= at else s
        new_e = e + count if e is not None and e > at else e
        return new_s, new_e

    return change


def deleted(start: int, end: int) -> SpanChange:
    """How a span moves when rows/columns ``[start, end)`` are deleted."""
    count = end - start

    def move(i: int) -> int:
        if i <= start:
            return i
        return max(start, i - count)

    def change(s: int | None, e: int | None) -> tuple[int | None, int | None] | None:
        new_s = move(s) if s is not None else None
        new_e = move(e) if e is not None else None
        if new_s is not None and new_e is not None and new_s >= new_e:
            return None
        return new_s, new_e

    return change


def reanchor_grid(grid: Json, dimension: str, change: SpanChange) -> bool:
    """Move a GridRange in place; False if it vanished."""
    sk, ek = grid_keys(dimension)
    result = change(grid.get(sk), grid.get(ek))
    if result is None:
        return False
    for key, value in zip((sk, ek), result, strict=True):
        if value is not None:
            grid[key] = value
    return True


def reanchor_dimension_range(rng: Json, change: SpanChange) -> bool:
    """Move a DimensionRange in place; False if it vanished."""
    result = change(rng.get("startIndex"), rng.get("endIndex"))
    if result is None:
        return False
    for key, value in zip(("startIndex", "endIndex"), result, strict=True):
        if value is not None:
            rng[key] = value
    return True


def span(grid: Json, dimension: str, size: int) -> tuple[int, int]:
    sk, ek = grid_keys(dimension)
    return int(grid.get(sk, 0)), int(grid.get(ek, size))


def intersects(a: Json, b: Json, rows: int, cols: int) -> bool:
    """Whether two GridRanges of the same sheet share a cell."""
    if int(a.get("sheetId", 0)) != int(b.get("sheetId", 0)):
        return False
    for dimension, size in ((ROWS, rows), (COLUMNS, cols)):
        a0, a1 = span(a, dimension, size)
        b0, b1 = span(b, dimension, size)
        if max(a0, b0) >= min(a1, b1):
            return False
    return True


def intersection(a: Json, b: Json, rows: int, cols: int) -> Json:
    """The bounded GridRange two ranges of one sheet share (may be empty)."""
    out: Json = {"sheetId": int(a.get("sheetId", 0))}
    for dimension, size in ((ROWS, rows), (COLUMNS, cols)):
        a0, a1 = span(a, dimension, size)
        b0, b1 = span(b, dimension, size)
        sk, ek = grid_keys(dimension)
        out[sk], out[ek] = max(a0, b0), max(max(a0, b0), min(a1, b1))
    return out


def contains(outer: Json, inner: Json, rows: int, cols: int) -> bool:
    for dimension, size in ((ROWS, rows), (COLUMNS, cols)):
        o0, o1 = span(outer, dimension, size)
        i0, i1 = span(inner, dimension, size)
        if not (o0 <= i0 and i1 <= o1):
            return False
    return True


def sheet_grid_ranges(sheet: Sheet) -> Iterator[tuple[list[Json] | None, Json]]:
    """Every GridRange stored on ``sheet`` with the list that holds it (None for a
    range that is a required part of its owner)."""
    for merge in sheet.merges:
        yield sheet.merges, merge
    for rule in sheet.conditional_formats:
        for rng in rule.get("ranges", []):
            yield rule["ranges"], rng
    for protected in sheet.protected_ranges:
        if "range" in protected:
            yield None, protected["range"]
        for rng in protected.get("unprotectedRanges", []):
            yield protected["unprotectedRanges"], rng
    if sheet.basic_filter is not None and "range" in sheet.basic_filter:
        yield None, sheet.basic_filter["range"]
    for view in sheet.filter_views:
        if "range" in view:
            yield None, view["range"]
    for band in sheet.banded_ranges:
        if "range" in band:
            yield None, band["range"]


def reanchor_sheet(
    spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, change: SpanChange
) -> None:
    """Move everything anchored to ``sheet``'s rows or columns after a dimension change."""
    sheet_id = sheet.sheet_id
    gone: list[tuple[list[Json] | None, Json]] = []
    for owner, grid in list(sheet_grid_ranges(sheet)):
        if not reanchor_grid(grid, dimension, change):
            gone.append((owner, grid))
    for owner, grid in gone:
        if owner is not None:
            owner[:] = [g for g in owner if g is not grid]
        else:
            _drop_owner_of(sheet, grid)
    sheet.conditional_formats = [r for r in sheet.conditional_formats if r.get("ranges")]
    for named in list(spreadsheet.named_ranges):
        grid = named.get("range", {})
        if int(grid.get("sheetId", 0)) == sheet_id and not reanchor_grid(grid, dimension, change):
            spreadsheet.named_ranges.remove(named)
    groups = sheet.row_groups if dimension == ROWS else sheet.column_groups
    groups[:] = [g for g in groups if reanchor_dimension_range(g["range"], change)]
    kept: list[Json] = []
    for meta in spreadsheet.developer_metadata:
        rng = meta.get("location", {}).get("dimensionRange")
        if (
            rng is not None
            and int(rng.get("sheetId", 0)) == sheet_id
            and rng.get("dimension") == dimension
            and not reanchor_dimension_range(rng, change)
        ):
            continue
        kept.append(meta)
    spreadsheet.developer_metadata = kept


def _drop_owner_of(sheet: Sheet, grid: Json) -> None:
    sheet.protected_ranges = [p for p in sheet.protected_ranges if p.get("range") is not grid]
    if sheet.basic_filter is not None and sheet.basic_filter.get("range") is grid:
        sheet.basic_filter = None
    sheet.filter_views = [v for v in sheet.filter_views if v.get("range") is not grid]
    sheet.banded_ranges = [b for b in sheet.banded_ranges if b.get("range") is not grid]
