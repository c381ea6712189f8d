"""``developerMetadata.get`` and ``developerMetadata.search`` on the emulator state."""

from __future__ import annotations

from emulator.errors import GoogleApiError
from emulator.sheets import developer_metadata, request_schema
from emulator.sheets.model import Json
from emulator.sheets.output import metadata_json
from emulator.sheets.spreadsheet_ops import open_spreadsheet
from emulator.state import EmulatorState


def get(state: EmulatorState, spreadsheet_id: str, metadata_id: int, user: str) -> Json:
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        for meta in spreadsheet.developer_metadata:
            if int(meta["metadataId"]) == metadata_id:
                return metadata_json(meta)
        raise GoogleApiError(404, "Requested entity was not found.")


def search(state: EmulatorState, spreadsheet_id: str, body: Json, user: str) -> Json:
    """Every entry some filter matches, each with the filters that matched it."""
    body = request_schema.check(body or {}, "SearchDeveloperMetadataRequest")
    with state.lock:
        _, spreadsheet = open_spreadsheet(state, spreadsheet_id, user, "reader")
        matched: list[Json] = []
        for meta in spreadsheet.developer_metadata:
            filters = [
                f
                for f in body.get("dataFilters") or []
                if developer_metadata.filter_matches(spreadsheet, meta, f)
            ]
            if filters:
                matched.append({"developerMetadata": metadata_json(meta), "dataFilters": filters})
        return {"matchedDeveloperMetadata": matched} if matched else {}
