"""batchUpdate requests on developer metadata.

``createDeveloperMetadata`` answers the stored entry (with its ``metadataId``, given or
assigned, and ``location.locationType``); ``updateDeveloperMetadata`` changes every
entry its data filters match and answers them; ``deleteDeveloperMetadata`` deletes
the entries its data filter matches and answers them. See ``developer_metadata.py``
for matching.
"""

from __future__ import annotations

from emulator.errors import GoogleApiError
from emulator.sheets import developer_metadata as dm
from emulator.sheets.batch_update import MISSING_FIELDS, RequestContext
from emulator.sheets.model import Json
from emulator.sheets.output import metadata_json


def _matching(ctx: RequestContext, data_filter: Json) -> list[Json]:
    try:
        return dm.matching(ctx.spreadsheet, data_filter)
    except GoogleApiError as exc:
        raise ctx.fail(exc.message) from exc


def create_developer_metadata(ctx: RequestContext, params: Json) -> Json:
    try:
        meta = dm.new_metadata(ctx.spreadsheet, params.get("developerMetadata") or {})
    except dm.MetadataError as exc:
        raise ctx.fail(str(exc)) from exc
    ctx.spreadsheet.developer_metadata.append(meta)
    return {"developerMetadata": metadata_json(meta)}


def update_developer_metadata(ctx: RequestContext, params: Json) -> Json:
    filters = params.get("dataFilters") or []
    if not filters:
        raise ctx.fail("At least one data filter must be specified.")
    fields = params.get("fields")
    if not fields:
        raise ctx.fail(MISSING_FIELDS)
    found: list[Json] = []
    for data_filter in filters:
        for meta in _matching(ctx, data_filter):
            if all(meta is not other for other in found):
                found.append(meta)
    new = params.get("developerMetadata") or {}
    try:
        for meta in found:
            dm.update_metadata(meta, new, str(fields), ctx.spreadsheet)
    except dm.MetadataError as exc:
        raise ctx.fail(str(exc)) from exc
    return {"developerMetadata": [metadata_json(m) for m in found]} if found else {}


def delete_developer_metadata(ctx: RequestContext, params: Json) -> Json:
    data_filter = params.get("dataFilter")
    if not data_filter:
        raise ctx.fail("A data filter must be specified.")
    found = _matching(ctx, data_filter)
    ctx.spreadsheet.developer_metadata = [
        m for m in ctx.spreadsheet.developer_metadata if all(m is not f for f in found)
    ]
    return {"deletedDeveloperMetadata": [metadata_json(m) for m in found]} if found else {}


HANDLERS = {
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}
