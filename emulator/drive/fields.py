"""Drive's partial responses: the ``fields`` parameter.

Syntax, as Google documents it: ``a,b/c,d(e,f),files(id,name),*``. A selection is
checked against the resource's schema in Drive's own discovery document (shipped
with google-api-python-client), and an unknown field is Drive's 400
``Invalid field selection <name>``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from emulator.errors import drive_error

# field name -> sub-selection (None: the whole value)
Mask = dict[str, "Mask | None"]


def parse_fields(text: str | None) -> Mask | None:
    """The selection ``text`` names; None selects everything (``*`` or no text)."""
    if text is None or not text.strip() or text.strip() == "*":
        return None
    mask, rest = _parse_list(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise _invalid(text)
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = text[start:pos]
        if not path:
            raise _invalid(text)
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise _invalid(text)
            pos += 1
        _merge(mask, path.split("/"), sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return mask, pos


def _merge(mask: Mask, names: list[str], sub: Mask | None) -> None:
    head, rest = names[0], names[1:]
    if not head:
        raise _invalid("/".join(names))
    if rest:
        child = mask.get(head, {})
        if child is None:
            return  # already selected whole
        _merge(child, rest, sub)
        mask[head] = child
    elif head in mask and mask[head] is not None and sub is not None:
        existing = mask[head]
        assert existing is not None
        for key, value in sub.items():
            _merge(existing, [key], value)
    else:
        mask[head] = None if sub is None or (head in mask and mask[head] is None) else sub


def apply(value: Any, mask: Mask | None) -> Any:
    """``value`` cut down to ``mask``."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: apply(value[key], sub) for key, sub in mask.items() if key in value}


def check(mask: Mask | None, schema: str) -> None:
    """Raise Drive's 400 if ``mask`` names a field ``schema`` does not have."""
    if mask is None:
        return
    schemas = _schemas()
    for name, sub in mask.items():
        if name == "*":
            continue
        prop = schemas[schema]["properties"].get(name)
        if prop is None:
            raise _invalid(name)
        target = _ref_of(prop)
        if sub is not None and target is not None:
            check(sub, target)


def _ref_of(prop: dict[str, Any]) -> str | None:
    if "$ref" in prop:
        return str(prop["$ref"])
    items = prop.get("items")
    if isinstance(items, dict) and "$ref" in items:
        return str(items["$ref"])
    return None


@functools.cache
def _schemas() -> dict[str, Any]:
    doc = resources.files("googleapiclient") / "discovery_cache" / "documents" / "drive.v3.json"
    schemas: dict[str, Any] = json.loads(doc.read_text())["schemas"]
    return schemas


def _invalid(name: str) -> Exception:
    return drive_error(
        400, f"Invalid field selection {name}", "invalidParameter", location="fields"
    )
