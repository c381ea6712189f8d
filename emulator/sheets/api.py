"""The Sheets v4 routes, at the paths Google serves them (``/v4/spreadsheets/...``).

One blueprint, ``sheets``, nests ``spreadsheets``, which nests its sub-resources
(``values``, ``developerMetadata``, ``sheets``), so every endpoint is named by Google's
method id (``sheets.spreadsheets.get``, ``sheets.spreadsheets.values.batchGet``...)
and takes the spreadsheet id as the view argument ``spreadsheet_id``: request
counters, fault injection and race hooks key on them. Query parameters are read as
Google reads them (booleans in any case, enums checked, ``ranges`` repeated) and the
``fields`` system parameter masks every response. The work is done in
``spreadsheet_ops.py``, ``values_ops.py`` and ``metadata_ops.py``.

Spreadsheets are named by Google's address (``spreadsheetUrl``), as Drive's
``webViewLink`` also gives it: the two halves of the emulator name a spreadsheet the
same way.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from emulator.context import current_state, current_user
from emulator.errors import GoogleApiError
from emulator.sheets import fields_mask, metadata_ops, spreadsheet_ops, values, values_ops
from emulator.sheets.model import Json
from emulator.sheets.resource import GOOGLE_SHEETS_URL

blueprint = Blueprint("sheets", __name__, url_prefix="/v4")
spreadsheets = Blueprint("spreadsheets", __name__)
values_resource = Blueprint("values", __name__)
developer_metadata = Blueprint("developerMetadata", __name__)
sheets_resource = Blueprint("sheets", __name__)

_ENUMS = {
    "valueRenderOption": ("value_render_option", "ValueRenderOption", values.RENDER_OPTIONS),
    "responseValueRenderOption": (
        "response_value_render_option",
        "ValueRenderOption",
        values.RENDER_OPTIONS,
    ),
    "dateTimeRenderOption": (
        "date_time_render_option",
        "DateTimeRenderOption",
        values.DATE_OPTIONS,
    ),
    "responseDateTimeRenderOption": (
        "response_date_time_render_option",
        "DateTimeRenderOption",
        values.DATE_OPTIONS,
    ),
    "majorDimension": ("major_dimension", "Dimension", ("ROWS", "COLUMNS")),
    "valueInputOption": ("value_input_option", "ValueInputOption", ("RAW", "USER_ENTERED")),
    "insertDataOption": ("insert_data_option", "InsertDataOption", ("OVERWRITE", "INSERT_ROWS")),
}


def _enum(name: str, default: str | None = None) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    field, type_name, allowed = _ENUMS[name]
    unspecified = {"DIMENSION_UNSPECIFIED", "INPUT_VALUE_OPTION_UNSPECIFIED"}
    if raw in unspecified:
        return default
    if raw not in allowed:
        kind = f"type.googleapis.com/google.apps.sheets.v4.{type_name}"
        raise GoogleApiError(400, f"Invalid value at '{field}' ({kind}), \"{raw}\"")
    return raw


def _bool(name: str, field: str) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise GoogleApiError(400, f"Invalid value at '{field}' (TYPE_BOOL), \"{raw}\"")


def _body() -> Json:
    if not request.get_data():
        return {}
    try:
        body = request.get_json(force=True, silent=False)
    except Exception as exc:
        raise GoogleApiError(400, "Invalid JSON payload received. Unexpected token.") from exc
    if not isinstance(body, dict):
        raise GoogleApiError(400, "Invalid JSON payload received. Expected an object.")
    return body


def _mask() -> fields_mask.Mask | None:
    raw = request.args.get("fields")
    return fields_mask.parse(raw) if raw else None


def _answer(payload: Any) -> Response:
    mask = _mask()
    return jsonify(fields_mask.apply(payload, mask) if mask else payload)


def _rendering() -> values_ops.Rendering:
    return values_ops.Rendering(
        major=_enum("majorDimension", values.ROWS) or values.ROWS,
        render=_enum("valueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE",
        dates=_enum("dateTimeRenderOption", "SERIAL_NUMBER") or "SERIAL_NUMBER",
    )


def _write_options() -> values_ops.WriteOptions:
    option = _enum("valueInputOption")
    if option is None:
        raise GoogleApiError(400, "'valueInputOption' is required but not specified")
    return values_ops.WriteOptions(
        option=option,
        include_values=_bool("includeValuesInResponse", "include_values_in_response"),
        response=values_ops.Rendering(
            major=values.ROWS,
            render=_enum("responseValueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE",
            dates=_enum("responseDateTimeRenderOption", "SERIAL_NUMBER") or "SERIAL_NUMBER",
        ),
    )


@spreadsheets.post("/spreadsheets", endpoint="create")
def create() -> Response:
    return _answer(
        spreadsheet_ops.create(current_state(), _body(), current_user(), GOOGLE_SHEETS_URL)
    )


@spreadsheets.get("/spreadsheets/<spreadsheet_id>", endpoint="get")
def get(spreadsheet_id: str) -> Response:
    mask = _mask()
    payload = spreadsheet_ops.get(
        current_state(),
        spreadsheet_id,
        current_user(),
        ranges=request.args.getlist("ranges"),
        include_grid_data=_bool("includeGridData", "include_grid_data"),
        mask=mask,
        base_url=GOOGLE_SHEETS_URL,
    )
    return _answer(payload)


@spreadsheets.post("/spreadsheets/<spreadsheet_id>:getByDataFilter", endpoint="getByDataFilter")
def get_by_data_filter(spreadsheet_id: str) -> Response:
    payload = spreadsheet_ops.get_by_data_filter(
        current_state(),
        spreadsheet_id,
        _body(),
        current_user(),
        mask=_mask(),
        base_url=GOOGLE_SHEETS_URL,
    )
    return _answer(payload)


@spreadsheets.post("/spreadsheets/<spreadsheet_id>:batchUpdate", endpoint="batchUpdate")
def batch_update(spreadsheet_id: str) -> Response:
    payload = spreadsheet_ops.batch_update(
        current_state(), spreadsheet_id, _body(), current_user(), base_url=GOOGLE_SHEETS_URL
    )
    return _answer(payload)


@sheets_resource.post(
    "/spreadsheets/<spreadsheet_id>/sheets/<int:sheet_id>:copyTo", endpoint="copyTo"
)
def copy_to(spreadsheet_id: str, sheet_id: int) -> Response:
    return _answer(
        spreadsheet_ops.copy_sheet_to(
            current_state(), spreadsheet_id, sheet_id, _body(), current_user()
        )
    )


@values_resource.get("/spreadsheets/<spreadsheet_id>/values:batchGet", endpoint="batchGet")
def values_batch_get(spreadsheet_id: str) -> Response:
    ranges = request.args.getlist("ranges")
    return _answer(
        values_ops.batch_get(current_state(), spreadsheet_id, ranges, current_user(), _rendering())
    )


@values_resource.post("/spreadsheets/<spreadsheet_id>/values:batchUpdate", endpoint="batchUpdate")
def values_batch_update(spreadsheet_id: str) -> Response:
    return _answer(
        values_ops.batch_update(current_state(), spreadsheet_id, _body(), current_user())
    )


@values_resource.post("/spreadsheets/<spreadsheet_id>/values:batchClear", endpoint="batchClear")
def values_batch_clear(spreadsheet_id: str) -> Response:
    return _answer(values_ops.batch_clear(current_state(), spreadsheet_id, _body(), current_user()))


@values_resource.post(
    "/spreadsheets/<spreadsheet_id>/values:batchGetByDataFilter", endpoint="batchGetByDataFilter"
)
def values_batch_get_by_data_filter(spreadsheet_id: str) -> Response:
    return _answer(
        values_ops.batch_get_by_data_filter(
            current_state(), spreadsheet_id, _body(), current_user()
        )
    )


@values_resource.post(
    "/spreadsheets/<spreadsheet_id>/values:batchUpdateByDataFilter",
    endpoint="batchUpdateByDataFilter",
)
def values_batch_update_by_data_filter(spreadsheet_id: str) -> Response:
    return _answer(
        values_ops.batch_update_by_data_filter(
            current_state(), spreadsheet_id, _body(), current_user()
        )
    )


@values_resource.post(
    "/spreadsheets/<spreadsheet_id>/values:batchClearByDataFilter",
    endpoint="batchClearByDataFilter",
)
def values_batch_clear_by_data_filter(spreadsheet_id: str) -> Response:
    return _answer(
        values_ops.batch_clear_by_data_filter(
            current_state(), spreadsheet_id, _body(), current_user()
        )
    )


@values_resource.post(
    "/spreadsheets/<spreadsheet_id>/values/<path:range_>:append", endpoint="append"
)
def values_append(spreadsheet_id: str, range_: str) -> Response:
    insert = _enum("insertDataOption", "OVERWRITE") or "OVERWRITE"
    payload = values_ops.append_values(
        current_state(), spreadsheet_id, range_, _body(), current_user(), _write_options(), insert
    )
    return _answer(payload)


@values_resource.post("/spreadsheets/<spreadsheet_id>/values/<path:range_>:clear", endpoint="clear")
def values_clear(spreadsheet_id: str, range_: str) -> Response:
    return _answer(values_ops.clear(current_state(), spreadsheet_id, range_, current_user()))


@values_resource.get("/spreadsheets/<spreadsheet_id>/values/<path:range_>", endpoint="get")
def values_get(spreadsheet_id: str, range_: str) -> Response:
    return _answer(
        values_ops.get(current_state(), spreadsheet_id, range_, current_user(), _rendering())
    )


@values_resource.put("/spreadsheets/<spreadsheet_id>/values/<path:range_>", endpoint="update")
def values_update(spreadsheet_id: str, range_: str) -> Response:
    payload = values_ops.update(
        current_state(), spreadsheet_id, range_, _body(), current_user(), _write_options()
    )
    return _answer(payload)


@developer_metadata.get(
    "/spreadsheets/<spreadsheet_id>/developerMetadata/<int:metadata_id>", endpoint="get"
)
def metadata_get(spreadsheet_id: str, metadata_id: int) -> Response:
    return _answer(metadata_ops.get(current_state(), spreadsheet_id, metadata_id, current_user()))


@developer_metadata.post(
    "/spreadsheets/<spreadsheet_id>/developerMetadata:search", endpoint="search"
)
def metadata_search(spreadsheet_id: str) -> Response:
    return _answer(metadata_ops.search(current_state(), spreadsheet_id, _body(), current_user()))


for resource in (values_resource, developer_metadata, sheets_resource):
    spreadsheets.register_blueprint(resource)
blueprint.register_blueprint(spreadsheets)
