"""The Sheets v4 routes, at the paths Google serves them.

Every Flask endpoint is named by Google's method id (``sheets.spreadsheets.get``,
``sheets.spreadsheets.values.batchGet``...) and takes the spreadsheet id as the view
argument ``spreadsheet_id``, so request counters and fault injection can key on them.
Query parameters are read as Google reads them (booleans in any case, enums checked,
``ranges`` repeated) and the ``fields`` system parameter masks every response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request

from emulator.app import current_user
from emulator.errors import GoogleApiError
from emulator.sheets import fields_mask, metadata_ops, spreadsheet_ops, values, values_ops
from emulator.sheets.model import Json
from emulator.sheets.resource import GOOGLE_SHEETS_URL
from emulator.state import EmulatorState

BASE = "/v4/spreadsheets"

View = Callable[..., Response]
Decorator = Callable[[View], View]
Router = Callable[[str, str, list[str]], Decorator]

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


def register(app: Flask, state: EmulatorState) -> None:
    """Add the Sheets v4 routes to the emulator app."""

    def route(rule: str, endpoint: str, methods: list[str]) -> Decorator:
        def decorate(view: View) -> View:
            app.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=methods)
            return view

        return decorate

    def base_url() -> str:
        # Google's address, as Drive's webViewLink also gives it: the two halves of the
        # emulator name a spreadsheet the same way.
        return GOOGLE_SHEETS_URL

    @route(BASE, "sheets.spreadsheets.create", ["POST"])
    def create() -> Response:
        return _answer(spreadsheet_ops.create(state, _body(), current_user(), base_url()))

    @route(f"{BASE}/<spreadsheet_id>", "sheets.spreadsheets.get", ["GET"])
    def get(spreadsheet_id: str) -> Response:
        mask = _mask()
        payload = spreadsheet_ops.get(
            state,
            spreadsheet_id,
            current_user(),
            ranges=request.args.getlist("ranges"),
            include_grid_data=_bool("includeGridData", "include_grid_data"),
            mask=mask,
            base_url=base_url(),
        )
        return _answer(payload)

    @route(
        f"{BASE}/<spreadsheet_id>:getByDataFilter", "sheets.spreadsheets.getByDataFilter", ["POST"]
    )
    def get_by_data_filter(spreadsheet_id: str) -> Response:
        payload = spreadsheet_ops.get_by_data_filter(
            state, spreadsheet_id, _body(), current_user(), mask=_mask(), base_url=base_url()
        )
        return _answer(payload)

    @route(f"{BASE}/<spreadsheet_id>:batchUpdate", "sheets.spreadsheets.batchUpdate", ["POST"])
    def batch_update(spreadsheet_id: str) -> Response:
        payload = spreadsheet_ops.batch_update(
            state, spreadsheet_id, _body(), current_user(), base_url=base_url()
        )
        return _answer(payload)

    @route(
        f"{BASE}/<spreadsheet_id>/sheets/<int:sheet_id>:copyTo",
        "sheets.spreadsheets.sheets.copyTo",
        ["POST"],
    )
    def copy_to(spreadsheet_id: str, sheet_id: int) -> Response:
        return _answer(
            spreadsheet_ops.copy_sheet_to(state, spreadsheet_id, sheet_id, _body(), current_user())
        )

    _register_values(route, state)
    _register_metadata(route, state)


def _register_values(route: Router, state: EmulatorState) -> None:
    values_base = f"{BASE}/<spreadsheet_id>/values"

    @route(f"{values_base}:batchGet", "sheets.spreadsheets.values.batchGet", ["GET"])
    def batch_get(spreadsheet_id: str) -> Response:
        ranges = request.args.getlist("ranges")
        return _answer(
            values_ops.batch_get(state, spreadsheet_id, ranges, current_user(), _rendering())
        )

    @route(f"{values_base}:batchUpdate", "sheets.spreadsheets.values.batchUpdate", ["POST"])
    def batch_update(spreadsheet_id: str) -> Response:
        return _answer(values_ops.batch_update(state, spreadsheet_id, _body(), current_user()))

    @route(f"{values_base}:batchClear", "sheets.spreadsheets.values.batchClear", ["POST"])
    def batch_clear(spreadsheet_id: str) -> Response:
        return _answer(values_ops.batch_clear(state, spreadsheet_id, _body(), current_user()))

    @route(
        f"{values_base}:batchGetByDataFilter",
        "sheets.spreadsheets.values.batchGetByDataFilter",
        ["POST"],
    )
    def batch_get_by_data_filter(spreadsheet_id: str) -> Response:
        return _answer(
            values_ops.batch_get_by_data_filter(state, spreadsheet_id, _body(), current_user())
        )

    @route(
        f"{values_base}:batchUpdateByDataFilter",
        "sheets.spreadsheets.values.batchUpdateByDataFilter",
        ["POST"],
    )
    def batch_update_by_data_filter(spreadsheet_id: str) -> Response:
        return _answer(
            values_ops.batch_update_by_data_filter(state, spreadsheet_id, _body(), current_user())
        )

    @route(
        f"{values_base}:batchClearByDataFilter",
        "sheets.spreadsheets.values.batchClearByDataFilter",
        ["POST"],
    )
    def batch_clear_by_data_filter(spreadsheet_id: str) -> Response:
        return _answer(
            values_ops.batch_clear_by_data_filter(state, spreadsheet_id, _body(), current_user())
        )

    @route(f"{values_base}/<path:range_>:append", "sheets.spreadsheets.values.append", ["POST"])
    def append(spreadsheet_id: str, range_: str) -> Response:
        insert = _enum("insertDataOption", "OVERWRITE") or "OVERWRITE"
        payload = values_ops.append_values(
            state, spreadsheet_id, range_, _body(), current_user(), _write_options(), insert
        )
        return _answer(payload)

    @route(f"{values_base}/<path:range_>:clear", "sheets.spreadsheets.values.clear", ["POST"])
    def clear(spreadsheet_id: str, range_: str) -> Response:
        return _answer(values_ops.clear(state, spreadsheet_id, range_, current_user()))

    @route(f"{values_base}/<path:range_>", "sheets.spreadsheets.values.get", ["GET"])
    def get(spreadsheet_id: str, range_: str) -> Response:
        return _answer(values_ops.get(state, spreadsheet_id, range_, current_user(), _rendering()))

    @route(f"{values_base}/<path:range_>", "sheets.spreadsheets.values.update", ["PUT"])
    def update(spreadsheet_id: str, range_: str) -> Response:
        payload = values_ops.update(
            state, spreadsheet_id, range_, _body(), current_user(), _write_options()
        )
        return _answer(payload)


def _register_metadata(route: Router, state: EmulatorState) -> None:
    meta_base = f"{BASE}/<spreadsheet_id>/developerMetadata"

    @route(f"{meta_base}/<int:metadata_id>", "sheets.spreadsheets.developerMetadata.get", ["GET"])
    def get(spreadsheet_id: str, metadata_id: int) -> Response:
        return _answer(metadata_ops.get(state, spreadsheet_id, metadata_id, current_user()))

    @route(f"{meta_base}:search", "sheets.spreadsheets.developerMetadata.search", ["POST"])
    def search(spreadsheet_id: str) -> Response:
        return _answer(metadata_ops.search(state, spreadsheet_id, _body(), current_user()))
