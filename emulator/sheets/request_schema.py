"""Request bodies checked against the Sheets v4 discovery document, as Google does.

Google rejects a body with a field it does not know or a value of the wrong type
before doing anything, with a 400 such as::

    Invalid JSON payload received. Unknown name "titel" at
        'requests[0].add_sheet.properties': Cannot find field.
    Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "A1:D4"

The emulator does the same, using the discovery document shipped inside
google-api-python-client (read on first use). While walking a body it also stores
``float`` fields as the 32-bit floats Google keeps, colour channels in 8 bits as Google
does (``0.5`` reads back as ``0.49803922``, that is 127/255), and drops zero colour
channels, as Google's answers do.
"""

from __future__ import annotations

import functools
import json
import re
import struct
from pathlib import Path
from typing import Any

from emulator.errors import GoogleApiError


@functools.cache
def schemas() -> dict[str, Any]:
    import googleapiclient

    path = (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    )
    document = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, Any] = document["schemas"]
    return found


def float32(value: float) -> float | int:
    """``value`` as the shortest decimal of the nearest 32-bit float."""
    single = struct.unpack("<f", struct.pack("<f", value))[0]
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == single:
            result = float(text)
            return int(result) if result.is_integer() else result
    return float(single)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value)


def _unknown(name: str, path: str) -> GoogleApiError:
    where = f" at '{path}'" if path else ""
    message = f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'
    return _bad_request(message, path)


def _bad_value(path: str, kind: str, value: Any) -> GoogleApiError:
    return _bad_request(f"Invalid value at '{path}' ({kind}), {_shown(value)}", path)


def _bad_request(message: str, path: str) -> GoogleApiError:
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": path, "description": message}],
        }
    ]
    return GoogleApiError(400, message, details=details)


def _type_url(schema: str) -> str:
    # Google names the request message as nested in BatchUpdateSpreadsheetRequest.
    name = "BatchUpdateSpreadsheetRequest.Request" if schema == "Request" else schema
    return f"type.googleapis.com/google.apps.sheets.v4.{name}"


def check(body: Any, schema: str, path: str = "") -> Any:
    """``body`` checked against schema ``schema``; the normalised copy."""
    return drop_zero_channels(_object(body, schema, path))


def check_requests(requests: list[Any]) -> None:
    """Check a batchUpdate's requests in place (normalising them)."""
    for i, request in enumerate(requests):
        requests[i] = drop_zero_channels(_object(request, "Request", f"requests[{i}]"))


def _object(value: Any, schema: str, path: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad_value(path, _type_url(schema), value)
    props = schemas()[schema].get("properties", {})
    out: dict[str, Any] = {}
    for key, item in value.items():
        prop = props.get(key)
        if prop is None:
            raise _unknown(key, path)
        child = f"{path}.{_snake(key)}" if path else _snake(key)
        out[key] = _field(item, prop, child, key)
    return out


def _field(value: Any, prop: dict[str, Any], path: str, name: str) -> Any:
    if value is None:
        return None
    if "$ref" in prop:
        return _object(value, prop["$ref"], path)
    kind = prop.get("type")
    if kind == "array":
        if not isinstance(value, list):
            items = prop.get("items", {})
            if items.get("type") in ("array", "any"):
                label = "type.googleapis.com/google.protobuf.ListValue"
            else:
                label = _type_url(items.get("$ref", "Value"))
            raise _bad_value(path, label, value)
        items = prop.get("items", {})
        return [_field(v, items, f"{path}[{i}]", name) for i, v in enumerate(value)]
    if kind == "object" and "additionalProperties" in prop:
        if not isinstance(value, dict):
            raise _bad_value(path, "type.googleapis.com/google.protobuf.Struct", value)
        inner = prop["additionalProperties"]
        return {k: _field(v, inner, f"{path}[{k}]", name) for k, v in value.items()}
    if kind == "integer":
        return _integer(value, path)
    if kind == "number":
        return _number(value, path, prop.get("format"), name)
    if kind == "boolean":
        return _boolean(value, path)
    if kind == "string":
        return _string(value, path, prop)
    return value


def _integer(value: Any, path: str) -> int:
    if isinstance(value, bool):
        raise _bad_value(path, "TYPE_INT32", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise _bad_value(path, "TYPE_INT32", value)


def _number(value: Any, path: str, fmt: str | None, name: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad_value(path, "TYPE_DOUBLE", value)
    try:
        number = float(value)
    except ValueError:
        raise _bad_value(path, "TYPE_DOUBLE", value) from None
    if fmt == "float" and name in ("red", "green", "blue"):
        # Google keeps colour channels in 8 bits: 0.5 reads back as 127/255.
        return float32(int(min(max(number, 0.0), 1.0) * 255) / 255)
    if fmt == "float":
        return float32(number)
    return int(number) if isinstance(value, int) else number


def _boolean(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad_value(path, "TYPE_BOOL", value)


def _string(value: Any, path: str, prop: dict[str, Any]) -> str:
    allowed = prop.get("enum")
    if not isinstance(value, str):
        raise _bad_value(path, "TYPE_ENUM" if allowed else "TYPE_STRING", value)
    if allowed is not None and value not in allowed:
        raise _bad_value(path, "TYPE_ENUM", value)
    return value


def drop_zero_channels(value: Any) -> Any:
    """Colours without their zero red/green/blue channels, as Google writes them."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("red", "green", "blue") and item == 0 and _is_color(value):
                continue
            out[key] = drop_zero_channels(item)
        return out
    if isinstance(value, list):
        return [drop_zero_channels(v) for v in value]
    return value


def _is_color(value: dict[str, Any]) -> bool:
    return set(value) <= {"red", "green", "blue", "alpha"}
