"""batchUpdate requests on objects that live on ranges.

Named ranges (``addNamedRange``, ``updateNamedRange``, ``deleteNamedRange``),
protected ranges (``addProtectedRange``, ``updateProtectedRange``,
``deleteProtectedRange``; see ``protection.py`` for who may edit), conditional
format rules (``addConditionalFormatRule``, ``updateConditionalFormatRule``,
``deleteConditionalFormatRule``) and the basic filter (``setBasicFilter``,
``clearBasicFilter``).

Replies are Google's: ``addNamedRange`` answers the named range (its id a string of
digits), ``addProtectedRange`` the protected range with its ``protectedRangeId`` and
the editors as requested, the conditional-format requests the rules before and after.
"""

from __future__ import annotations

import copy
import re

from emulator.sheets import fields_mask, protection
from emulator.sheets.a1 import cells_to_grid
from emulator.sheets.batch_update import MISSING_FIELDS, RequestContext
from emulator.sheets.model import Json, Sheet
from emulator.sheets.output import (
    conditional_rule_json,
    grid_range_json,
    named_range_json,
    prune,
)

_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.]{0,249}$")


def _stored_range(ctx: RequestContext, grid: Json | None) -> Json:
    grid = dict(grid or {})
    sheet = ctx.sheet(grid.get("sheetId", 0))
    ctx.grid(grid)
    grid["sheetId"] = sheet.sheet_id
    return grid


def _check_name(ctx: RequestContext, name: str, but: str | None = None) -> None:
    if (
        not _NAME.match(name)
        or name.upper() in ("TRUE", "FALSE")
        or cells_to_grid(name) is not None
    ):
        raise ctx.fail(
            f"Invalid name: {name}. A named range name must start with a letter or "
            "underscore, contain only letters, numbers and underscores, and not look "
            "like a cell reference."
        )
    for named in ctx.spreadsheet.named_ranges:
        if named["name"].casefold() == name.casefold() and named["namedRangeId"] != but:
            raise ctx.fail(f"A named range with the name {name} already exists.")


def _named(ctx: RequestContext, named_range_id: object) -> Json:
    for named in ctx.spreadsheet.named_ranges:
        if named["namedRangeId"] == str(named_range_id):
            return named
    raise ctx.fail(f"No named range with id: {named_range_id}")


def add_named_range(ctx: RequestContext, params: Json) -> Json:
    requested = params.get("namedRange") or {}
    name = str(requested.get("name") or "")
    _check_name(ctx, name)
    named_id = str(requested.get("namedRangeId") or ctx.spreadsheet.new_named_range_id())
    if any(n["namedRangeId"] == named_id for n in ctx.spreadsheet.named_ranges):
        raise ctx.fail(f"A named range with the id {named_id} already exists.")
    named = {
        "namedRangeId": named_id,
        "name": name,
        "range": _stored_range(ctx, requested.get("range")),
    }
    ctx.spreadsheet.named_ranges.append(named)
    return {"namedRange": named_range_json(named)}


def update_named_range(ctx: RequestContext, params: Json) -> None:
    requested = params.get("namedRange") or {}
    named = _named(ctx, requested.get("namedRangeId"))
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    updated = copy.deepcopy(named)
    fields_mask.update(updated, requested, str(fields))
    updated["namedRangeId"] = named["namedRangeId"]
    _check_name(ctx, str(updated.get("name") or ""), but=named["namedRangeId"])
    updated["range"] = _stored_range(ctx, updated.get("range"))
    named.clear()
    named.update(updated)


def delete_named_range(ctx: RequestContext, params: Json) -> None:
    named = _named(ctx, params.get("namedRangeId"))
    ctx.spreadsheet.named_ranges.remove(named)


def _protected(ctx: RequestContext, protected_id: object) -> tuple[Sheet, Json]:
    for sheet in ctx.spreadsheet.sheets:
        for protected in sheet.protected_ranges:
            if int(protected["protectedRangeId"]) == int(str(protected_id or 0)):
                return sheet, protected
    raise ctx.fail(f"No protected range with id: {protected_id}")


def _protected_sheet(ctx: RequestContext, protected: Json) -> Sheet:
    if "range" in protected:
        return ctx.sheet(protected["range"].get("sheetId", 0))
    if "namedRangeId" in protected:
        return ctx.sheet(_named(ctx, protected["namedRangeId"])["range"].get("sheetId", 0))
    raise ctx.fail("A protected range must have a range or a named range.")


def _validate_protection(ctx: RequestContext, protected: Json) -> Sheet:
    if "range" in protected and "namedRangeId" in protected:
        raise ctx.fail("Only one of range or namedRangeId may be set.")
    sheet = _protected_sheet(ctx, protected)
    if "range" in protected:
        protected["range"] = _stored_range(ctx, protected["range"])
    openings = protected.get("unprotectedRanges") or []
    if openings:
        rng = protected.get("range", {})
        if any(
            k in rng for k in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
        ):
            raise ctx.fail("Unprotected ranges are only supported on protected sheets.")
        protected["unprotectedRanges"] = [_stored_range(ctx, r) for r in openings]
    if protected.get("warningOnly"):
        # "When writing: if this field is true, then editors are ignored."
        protected.pop("editors", None)
    return sheet


def add_protected_range(ctx: RequestContext, params: Json) -> Json:
    requested = prune(params.get("protectedRange") or {}, drop_false=True)
    requested.pop("requestingUserCanEdit", None)
    protected_id = int(
        requested.pop("protectedRangeId", 0) or ctx.spreadsheet.new_protected_range_id()
    )
    stored: Json = {"protectedRangeId": protected_id, **requested}
    sheet = _validate_protection(ctx, stored)
    reply = copy.deepcopy(stored)
    stored["editors"] = protection.editors_for_new(stored.get("editors"), ctx.user, ctx.owner)
    sheet.protected_ranges.append(stored)
    out: Json = {"protectedRangeId": protected_id}
    if "range" in reply:
        out["range"] = grid_range_json(reply["range"])
    for key, value in reply.items():
        if key not in out and key not in ("editors",):
            out[key] = value if key != "unprotectedRanges" else [grid_range_json(r) for r in value]
    out["requestingUserCanEdit"] = True
    # The editors asked for, as stored before the creator is added: {} for a
    # warning-only range, whose requested editors are ignored.
    out["editors"] = reply.get("editors", {})
    return {"protectedRange": out}


def update_protected_range(ctx: RequestContext, params: Json) -> None:
    requested = params.get("protectedRange") or {}
    sheet, protected = _protected(ctx, requested.get("protectedRangeId"))
    if not protection.can_edit(protected, ctx.user, ctx.owner):
        raise ctx.fail(protection.PROTECTED_MESSAGE)
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    updated = copy.deepcopy(protected)
    fields_mask.update(updated, requested, str(fields))
    updated = prune(updated, drop_false=True)
    updated["protectedRangeId"] = protected["protectedRangeId"]
    updated.pop("requestingUserCanEdit", None)
    new_sheet = _validate_protection(ctx, updated)
    # A warning-only range ignores the editors written to it and keeps those it had.
    editors = protected.get("editors") if updated.get("warningOnly") else updated.get("editors")
    updated["editors"] = protection.editors_for_new(editors, ctx.user, ctx.owner)
    sheet.protected_ranges.remove(protected)
    new_sheet.protected_ranges.append(updated)


def delete_protected_range(ctx: RequestContext, params: Json) -> None:
    sheet, protected = _protected(ctx, params.get("protectedRangeId"))
    if not protection.can_edit(protected, ctx.user, ctx.owner):
        raise ctx.fail(protection.PROTECTED_MESSAGE)
    sheet.protected_ranges.remove(protected)


def _rule_sheet(ctx: RequestContext, rule: Json) -> Sheet:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise ctx.fail("A conditional format rule must have at least one range.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise ctx.fail(
            "A conditional format rule must have exactly one of booleanRule or gradientRule."
        )
    sheet_ids = {int(r.get("sheetId", 0)) for r in ranges}
    if len(sheet_ids) > 1:
        raise ctx.fail("All ranges of a conditional format rule must be on the same sheet.")
    rule["ranges"] = [_stored_range(ctx, r) for r in ranges]
    return ctx.sheet(sheet_ids.pop())


def _rule_at(ctx: RequestContext, sheet: Sheet, index: object) -> int:
    position = int(str(index or 0))
    if not 0 <= position < len(sheet.conditional_formats):
        raise ctx.fail(f"No conditional format on sheet {sheet.sheet_id} at index {position}")
    return position


def add_conditional_format_rule(ctx: RequestContext, params: Json) -> None:
    rule = prune(params.get("rule") or {})
    sheet = _rule_sheet(ctx, rule)
    index = int(params.get("index", 0))
    if not 0 <= index <= len(sheet.conditional_formats):
        raise ctx.fail(
            f"Invalid index {index}: the sheet has {len(sheet.conditional_formats)} rules."
        )
    sheet.conditional_formats.insert(index, rule)


def update_conditional_format_rule(ctx: RequestContext, params: Json) -> Json:
    sheet = ctx.sheet(params.get("sheetId"))
    index = _rule_at(ctx, sheet, params.get("index"))
    old = sheet.conditional_formats[index]
    reply: Json = {"oldRule": conditional_rule_json(old), "oldIndex": index}
    if params.get("rule") is not None:
        rule = prune(params["rule"])
        target = _rule_sheet(ctx, rule)
        sheet.conditional_formats.pop(index)
        target.conditional_formats.insert(min(index, len(target.conditional_formats)), rule)
        new_index = target.conditional_formats.index(rule)
        reply.update(newRule=conditional_rule_json(rule), newIndex=new_index)
    elif "newIndex" in params:
        new_index = int(params["newIndex"])
        if not 0 <= new_index < len(sheet.conditional_formats):
            raise ctx.fail(f"Invalid newIndex {new_index}.")
        sheet.conditional_formats.insert(new_index, sheet.conditional_formats.pop(index))
        reply.update(newRule=conditional_rule_json(old), newIndex=new_index)
    else:
        raise ctx.fail("Either rule or newIndex must be set.")
    return {k: v for k, v in reply.items() if v != 0}


def delete_conditional_format_rule(ctx: RequestContext, params: Json) -> Json:
    sheet = ctx.sheet(params.get("sheetId"))
    index = _rule_at(ctx, sheet, params.get("index"))
    rule = sheet.conditional_formats.pop(index)
    return {"rule": conditional_rule_json(rule)}


def set_basic_filter(ctx: RequestContext, params: Json) -> None:
    requested = prune(params.get("filter") or {})
    sheet, grid = ctx.grid(requested.get("range"))
    requested["range"] = grid
    sheet.basic_filter = requested


def clear_basic_filter(ctx: RequestContext, params: Json) -> None:
    sheet = ctx.sheet(params.get("sheetId"))
    sheet.basic_filter = None


HANDLERS = {
    "addNamedRange": add_named_range,
    "updateNamedRange": update_named_range,
    "deleteNamedRange": delete_named_range,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
}
