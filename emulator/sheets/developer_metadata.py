"""Developer metadata: locations, lookups and the ``DataFilter`` matching them.

A metadata entry sits on the spreadsheet, a sheet, or one row or column
(``location.dimensionRange`` must be a single row or column, as the API reference
says). Row and column metadata move with their row or column and are deleted with it
(``dimensions.py``); a sort does not move them (``requests_cells.py``).

Matching follows ``DeveloperMetadataLookup``: every field given must match;
``metadataLocation`` matches the exact location with ``EXACT_LOCATION`` and also
intersecting ones with ``INTERSECTING_LOCATION`` (the default): a row intersects the
columns of its sheet and the sheet itself; spreadsheet metadata intersects nothing
else. A DataFilter with ``a1Range`` or ``gridRange`` selects the metadata whose rows,
columns or sheet the range touches.
"""

from __future__ import annotations

from typing import Any

from emulator.sheets import a1, fields_mask
from emulator.sheets.fields_mask import json_copy
from emulator.sheets.model import Json, Spreadsheet

LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")
VISIBILITIES = ("DOCUMENT", "PROJECT")


class MetadataError(ValueError):
    """A request that Google refuses; the caller names the request in the message."""


def normalize_location(spreadsheet: Spreadsheet, location: Json | None) -> Json:
    """A stored location (with ``locationType``) from a request's location."""
    location = location or {}
    if location.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if "sheetId" in location:
        sheet_id = int(location["sheetId"])
        if spreadsheet.sheet_by_id(sheet_id) is None:
            raise MetadataError(f"No grid with id: {sheet_id}")
        return {"locationType": "SHEET", "sheetId": sheet_id}
    rng = location.get("dimensionRange")
    if rng is not None:
        sheet_id = int(rng.get("sheetId", 0))
        sheet = spreadsheet.sheet_by_id(sheet_id)
        if sheet is None:
            raise MetadataError(f"No grid with id: {sheet_id}")
        dimension = rng.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise MetadataError("A dimension range must specify a dimension of ROWS or COLUMNS.")
        if "startIndex" not in rng or "endIndex" not in rng:
            raise MetadataError("Developer metadata may not be associated with an unbounded range.")
        start, end = int(rng["startIndex"]), int(rng["endIndex"])
        size = sheet.row_count if dimension == "ROWS" else sheet.column_count
        if end - start != 1:
            raise MetadataError(
                "Developer metadata may only be associated with a single row or column."
            )
        if start < 0 or end > size:
            raise MetadataError(f"Developer metadata location out of bounds: {dimension} {start}")
        kind = "ROW" if dimension == "ROWS" else "COLUMN"
        return {
            "locationType": kind,
            "dimensionRange": {
                "sheetId": sheet_id,
                "dimension": dimension,
                "startIndex": start,
                "endIndex": end,
            },
        }
    raise MetadataError("Developer metadata must have a location.")


def new_metadata(spreadsheet: Spreadsheet, requested: Json) -> Json:
    """A metadata entry to store, as ``createDeveloperMetadata`` makes it."""
    key = requested.get("metadataKey")
    if not key:
        raise MetadataError("Developer metadata must have a key.")
    visibility = requested.get("visibility")
    if visibility not in VISIBILITIES:
        raise MetadataError("Developer metadata must have a visibility of DOCUMENT or PROJECT.")
    taken = {int(m["metadataId"]) for m in spreadsheet.developer_metadata}
    if "metadataId" in requested:
        metadata_id = int(requested["metadataId"])
        if metadata_id <= 0:
            raise MetadataError("Developer metadata ID must be positive.")
        if metadata_id in taken:
            raise MetadataError(f"Developer metadata with ID {metadata_id} already exists.")
    else:
        metadata_id = spreadsheet.new_metadata_id()
    meta: Json = {"metadataId": metadata_id, "metadataKey": key}
    if requested.get("metadataValue") not in (None, ""):
        meta["metadataValue"] = requested["metadataValue"]
    meta["location"] = normalize_location(spreadsheet, requested.get("location"))
    meta["visibility"] = visibility
    return meta


def _dimension_span(location: Json) -> tuple[int, str, int, int] | None:
    rng = location.get("dimensionRange")
    if rng is None:
        return None
    return (
        int(rng.get("sheetId", 0)),
        str(rng.get("dimension")),
        int(rng.get("startIndex", 0)),
        int(rng.get("endIndex", 2**31)),
    )


def _sheet_of(location: Json) -> int | None:
    if "sheetId" in location and "dimensionRange" not in location:
        return int(location["sheetId"])
    span = _dimension_span(location)
    return span[0] if span else None


def locations_intersect(a: Json, b: Json) -> bool:
    if a.get("spreadsheet") or b.get("spreadsheet"):
        return bool(a.get("spreadsheet") and b.get("spreadsheet"))
    if _sheet_of(a) != _sheet_of(b):
        return False
    sa, sb = _dimension_span(a), _dimension_span(b)
    if sa is None or sb is None:
        return True
    if sa[1] != sb[1]:
        return True
    return max(sa[2], sb[2]) < min(sa[3], sb[3])


def locations_equal(a: Json, b: Json) -> bool:
    if a.get("spreadsheet") or b.get("spreadsheet"):
        return bool(a.get("spreadsheet") and b.get("spreadsheet"))
    sa, sb = _dimension_span(a), _dimension_span(b)
    if sa is None or sb is None:
        return sa is None and sb is None and _sheet_of(a) == _sheet_of(b)
    return sa == sb


def lookup_matches(meta: Json, lookup: Json) -> bool:
    if "metadataId" in lookup and int(lookup["metadataId"]) != int(meta["metadataId"]):
        return False
    if "metadataKey" in lookup and lookup["metadataKey"] != meta.get("metadataKey"):
        return False
    if "metadataValue" in lookup and lookup["metadataValue"] != meta.get("metadataValue", ""):
        return False
    if "visibility" in lookup and lookup["visibility"] != meta.get("visibility"):
        return False
    location = meta.get("location", {})
    kind = lookup.get("locationType")
    if (
        kind
        and kind != "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED"
        and kind != location.get("locationType")
    ):
        return False
    wanted = lookup.get("metadataLocation")
    if wanted is not None:
        exact = lookup.get("locationMatchingStrategy") == "EXACT_LOCATION"
        compare = locations_equal if exact else locations_intersect
        if not compare(location, _lookup_location(wanted)):
            return False
    return True


def _lookup_location(location: Json) -> Json:
    out = json_copy(location)
    if "dimensionRange" in out:
        out["dimensionRange"].setdefault("sheetId", 0)
    return out


def filter_matches(spreadsheet: Spreadsheet, meta: Json, data_filter: Json) -> bool:
    """Whether a DataFilter selects a metadata entry."""
    if "developerMetadataLookup" in data_filter:
        return lookup_matches(meta, data_filter["developerMetadataLookup"])
    grid = filter_grid(spreadsheet, data_filter)
    if grid is None:
        return False
    location = meta.get("location", {})
    if location.get("spreadsheet"):
        return False
    if _sheet_of(location) != int(grid.get("sheetId", 0)):
        return False
    span = _dimension_span(location)
    if span is None:
        return True
    keys = (
        ("startRowIndex", "endRowIndex")
        if span[1] == "ROWS"
        else ("startColumnIndex", "endColumnIndex")
    )
    start, end = int(grid.get(keys[0], 0)), int(grid.get(keys[1], 2**31))
    return max(start, span[2]) < min(end, span[3])


def filter_grid(spreadsheet: Spreadsheet, data_filter: Json) -> Json | None:
    """The GridRange of an ``a1Range`` or ``gridRange`` DataFilter."""
    if "a1Range" in data_filter:
        rng = a1.parse_range(spreadsheet, str(data_filter["a1Range"]))
        return rng.grid
    if "gridRange" in data_filter:
        grid = dict(data_filter["gridRange"])
        grid.setdefault("sheetId", 0)
        return grid
    return None


def matching(spreadsheet: Spreadsheet, data_filter: Json) -> list[Json]:
    return [
        m for m in spreadsheet.developer_metadata if filter_matches(spreadsheet, m, data_filter)
    ]


def update_metadata(meta: Json, new: Json, fields: str, spreadsheet: Spreadsheet) -> None:
    """Apply ``updateDeveloperMetadata`` to one entry."""
    if fields.strip() == "*":
        wanted = ["metadataKey", "metadataValue", "location", "visibility"]
    else:
        wanted = [p.split(".")[0].split("/")[0] for p in fields.split(",") if p.strip()]
    for name in wanted:
        name = name.strip()
        if name == "metadataId":
            raise MetadataError("Developer metadata ID may not be updated.")
        if name == "location":
            meta["location"] = normalize_location(spreadsheet, new.get("location"))
        elif name in ("metadataKey", "metadataValue", "visibility"):
            value: Any = new.get(name)
            if value in (None, ""):
                if name != "metadataValue":
                    raise MetadataError(f"Developer metadata {name} may not be empty.")
                meta.pop(name, None)
            else:
                meta[name] = value
        else:
            fields_mask.parse(name)
            raise MetadataError(f"Unknown field: {name}")
