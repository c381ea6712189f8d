"""Check JSON bodies against the schemas of Google's discovery documents.

The discovery documents ship inside google-api-python-client
(``googleapiclient/discovery_cache/documents/<api>.<version>.json``). A body matches a
schema when every field it has is a field of the schema (no unknown names) and every
value has the schema's JSON type: strings, integers (not booleans, and within range
for ``int32``/``uint32``), numbers, booleans, arrays, objects, maps
(``additionalProperties``), enums (one of the listed values) and ``int64``/
``google-datetime`` strings in their format.

Usable for any API the client ships::

    assert_matches_schema("sheets", "v4", "Spreadsheet", body)
    assert_matches_method_response("drive", "v3", "drive.files.get", body)
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

_INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@functools.cache
def discovery_document(api: str, version: str) -> dict[str, Any]:
    """The discovery document google-api-python-client ships for ``api`` ``version``."""
    doc = (
        resources.files("googleapiclient")
        / "discovery_cache"
        / "documents"
        / f"{api}.{version}.json"
    )
    document: dict[str, Any] = json.loads(doc.read_text(encoding="utf-8"))
    return document


def response_schema(api: str, version: str, method_id: str) -> str:
    """The name of the schema a method answers with (``sheets.spreadsheets.get`` ->
    ``Spreadsheet``)."""

    def walk(resources_: dict[str, Any]) -> str | None:
        for resource in resources_.values():
            for method in resource.get("methods", {}).values():
                if method.get("id") == method_id:
                    ref: str = method["response"]["$ref"]
                    return ref
            found = walk(resource.get("resources", {}))
            if found is not None:
                return found
        return None

    found = walk(discovery_document(api, version)["resources"])
    if found is None:
        raise KeyError(f"{method_id} is not a method of {api} {version}")
    return found


def schema_errors(api: str, version: str, schema: str, body: Any) -> list[str]:
    """Every way ``body`` does not match ``schema`` (empty when it matches)."""
    errors: list[str] = []
    _check(discovery_document(api, version)["schemas"], body, {"$ref": schema}, schema, errors)
    return errors


def assert_matches_schema(api: str, version: str, schema: str, body: Any) -> None:
    errors = schema_errors(api, version, schema, body)
    assert not errors, f"{schema}: " + "; ".join(errors[:10])


def assert_matches_method_response(api: str, version: str, method_id: str, body: Any) -> None:
    assert_matches_schema(api, version, response_schema(api, version, method_id), body)


def _check(
    schemas: dict[str, Any], value: Any, spec: dict[str, Any], where: str, errors: list[str]
) -> None:
    if "$ref" in spec:
        name = spec["$ref"]
        if name not in schemas:
            errors.append(f"{where}: unknown schema {name}")
            return
        spec = schemas[name]
    kind = spec.get("type")
    if kind in (None, "any"):
        return
    if kind == "object":
        _check_object(schemas, value, spec, where, errors)
    elif kind == "array":
        if not isinstance(value, list):
            errors.append(f"{where}: {value!r} is not an array")
            return
        for i, item in enumerate(value):
            _check(schemas, item, spec.get("items", {}), f"{where}[{i}]", errors)
    elif kind == "string":
        _check_string(value, spec, where, errors)
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{where}: {value!r} is not an integer")
            return
        low, high = _INT_RANGES.get(spec.get("format", ""), (-(2**63), 2**64))
        if not low <= value <= high:
            errors.append(f"{where}: {value} is out of range for {spec.get('format')}")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors.append(f"{where}: {value!r} is not a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: {value!r} is not a boolean")
    else:
        errors.append(f"{where}: unknown schema type {kind}")


def _check_object(
    schemas: dict[str, Any], value: Any, spec: dict[str, Any], where: str, errors: list[str]
) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: {value!r} is not an object")
        return
    props = spec.get("properties")
    extra = spec.get("additionalProperties")
    for key, item in value.items():
        if props is not None and key in props:
            _check(schemas, item, props[key], f"{where}.{key}", errors)
        elif extra is not None:
            _check(schemas, item, extra, f"{where}[{key!r}]", errors)
        elif props is not None:
            errors.append(f"{where}: unknown field '{key}'")


def _check_string(value: Any, spec: dict[str, Any], where: str, errors: list[str]) -> None:
    if not isinstance(value, str):
        errors.append(f"{where}: {value!r} is not a string")
        return
    allowed = spec.get("enum")
    if allowed is not None and value not in allowed:
        errors.append(f"{where}: {value!r} is not one of {allowed}")
    fmt = spec.get("format")
    if fmt in ("int64", "uint64") and not re.fullmatch(r"-?\d+", value):
        errors.append(f"{where}: {value!r} is not an {fmt} string")
    if fmt == "google-datetime" and not _DATETIME.match(value):
        errors.append(f"{where}: {value!r} is not an RFC 3339 timestamp")
