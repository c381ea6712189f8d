"""Stored objects in the shapes Google answers with.

Google writes proto3 JSON: a zero ``sheetId`` inside a ``GridRange`` or
``DimensionRange`` is left out (``{"startRowIndex": 0, ...}``), while the top-level
``SheetProperties.sheetId`` and ``index`` are always written; ``false`` flags
(``hidden``, ``warningOnly``) and empty lists are left out.
"""

from __future__ import annotations

from typing import Any

from emulator.sheets.fields_mask import json_copy
from emulator.sheets.model import Json

_OPTIONAL_SHEET_FLAGS = ("hidden", "rightToLeft")
_OPTIONAL_GRID_FIELDS = (
    "frozenRowCount",
    "frozenColumnCount",
    "hideGridlines",
    "rowGroupControlAfter",
    "columnGroupControlAfter",
)


def prune(value: Any, *, drop_false: bool = False) -> Any:
    """A copy without ``None``, empty lists and empty strings (and ``False``)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = prune(item, drop_false=drop_false)
            if item is None or item == [] or item == "" or (drop_false and item is False):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [prune(item, drop_false=drop_false) for item in value]
    return value


def grid_range_json(grid: Json) -> Json:
    out = {k: v for k, v in grid.items() if not (k == "sheetId" and int(v) == 0)}
    return out


def dimension_range_json(rng: Json) -> Json:
    return {k: v for k, v in rng.items() if not (k == "sheetId" and int(v) == 0)}


def sheet_properties_json(props: Json) -> Json:
    out = json_copy(props)
    for flag in _OPTIONAL_SHEET_FLAGS:
        if not out.get(flag):
            out.pop(flag, None)
    grid = out.get("gridProperties")
    if isinstance(grid, dict):
        for key in _OPTIONAL_GRID_FIELDS:
            if not grid.get(key):
                grid.pop(key, None)
    for key in ("tabColor", "tabColorStyle"):
        if key in out and not prune(out[key]):
            del out[key]
    return out


def metadata_json(meta: Json) -> Json:
    out = json_copy(meta)
    location = out.get("location", {})
    if "dimensionRange" in location:
        location["dimensionRange"] = dimension_range_json(location["dimensionRange"])
    return out


def named_range_json(named: Json) -> Json:
    out = json_copy(named)
    if "range" in out:
        out["range"] = grid_range_json(out["range"])
    return out


def group_json(group: Json) -> Json:
    out = json_copy(group)
    out["range"] = dimension_range_json(out["range"])
    if not out.get("collapsed"):
        out.pop("collapsed", None)
    return out


def conditional_rule_json(rule: Json) -> Json:
    out = json_copy(rule)
    out["ranges"] = [grid_range_json(r) for r in out.get("ranges", [])]
    return out


def with_ranges(obj: Json, *keys: str) -> Json:
    """A copy of ``obj`` whose GridRange fields ``keys`` are in output shape."""
    out = json_copy(obj)
    for key in keys:
        if isinstance(out.get(key), dict):
            out[key] = grid_range_json(out[key])
        elif isinstance(out.get(key), list):
            out[key] = [grid_range_json(r) for r in out[key]]
    return out
