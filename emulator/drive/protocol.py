"""How Drive reads a request and shapes its answer: the JSON body, boolean and whole
number query parameters (with Drive's own error messages), and the ``fields``
parameter that cuts a resource down (Drive's defaults when it is absent)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request

from emulator.drive import fields
from emulator.errors import drive_bad_value, drive_error


def body_json() -> dict[str, Any]:
    """The request's JSON body (``{}`` when there is none), or Drive's parse error."""
    if not request.data:
        return {}
    try:
        data = json.loads(request.data)
    except ValueError:
        raise drive_error(400, "Parse Error", "parseError") from None
    if not isinstance(data, dict):
        raise drive_error(400, "Parse Error", "parseError")
    return data


def flag(name: str, default: bool = False) -> bool:
    value = request.args.get(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise drive_bad_value(
            name,
            f"Invalid value '{value}'. Values must match the following "
            "regular expression: '(?i)(true|false)'",
        )
    return value.lower() == "true"


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise drive_bad_value(name) from None
    if not low <= value <= high:
        raise drive_bad_value(
            name, f"Invalid value '{value}'. Values must be within the range: [{low}, {high}]"
        )
    return value


def respond(resource: dict[str, Any], schema: str, default: fields.Mask) -> Response:
    """``resource`` cut to the request's ``fields`` (or Drive's defaults)."""
    text = request.args.get("fields")
    mask = default if text is None else fields.parse_fields(text)
    fields.check(mask, schema)
    return jsonify(fields.apply(resource, mask))
