"""Field masks, both ways Google uses them.

Reading (the ``fields`` query parameter): ``sheets.properties``, ``sheets/properties``,
``sheets(properties,data(rowData(values(note))))``, ``namedRanges``, ``*``. A mask
keeps the selected fields; an object that exists but has none of them stays as
``{}``, as Google answers (``{"sheets": [{"properties": {}}]}``).

Writing (the ``fields`` of update requests such as ``updateSheetProperties`` or
``updateCells``): each listed path is copied from the request onto the stored object,
and a path the request leaves out is cleared; ``*`` means every field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from emulator.errors import GoogleApiError

T = TypeVar("T")

# A parsed mask: field name -> sub-mask (None means the whole field).
Mask = dict[str, "Mask | None"]


def parse(text: str) -> Mask:
    """The mask tree of a fields expression; 400 if it does not parse."""
    parser = _MaskParser(text.replace(" ", ""))
    mask = parser.items()
    if parser.pos != len(parser.text):
        raise _invalid(text)
    return mask


def _invalid(text: str) -> GoogleApiError:
    return GoogleApiError(400, f"Invalid field selection: {text}")


class _MaskParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def items(self) -> Mask:
        mask: Mask = {}
        while True:
            self.item(mask)
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            return mask

    def item(self, into: Mask) -> None:
        path = self.path()
        if not path:
            raise _invalid(self.text)
        sub: Mask | None = None
        if self.pos < len(self.text) and self.text[self.pos] == "(":
            self.pos += 1
            sub = self.items()
            if self.pos >= len(self.text) or self.text[self.pos] != ")":
                raise _invalid(self.text)
            self.pos += 1
        _add(into, path, sub)

    def path(self) -> list[str]:
        names: list[str] = []
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",()":
            self.pos += 1
        raw = self.text[start : self.pos]
        for part in raw.replace("/", ".").split("."):
            if not part:
                raise _invalid(self.text)
            names.append(part)
        return names


def _add(into: Mask, path: list[str], sub: Mask | None) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        if head in into and into[head] is not None and sub is not None:
            _merge(into[head], sub)  # type: ignore[arg-type]
        elif head in into and into[head] is None:
            return
        else:
            into[head] = sub
        return
    child = into.get(head, {})
    if child is None:
        return
    into[head] = child
    _add(child, rest, sub)


def _merge(into: Mask, other: Mask) -> None:
    for key, sub in other.items():
        if key not in into:
            into[key] = sub
        elif into[key] is None:
            continue
        elif sub is None:
            into[key] = None
        else:
            _merge(into[key], sub)  # type: ignore[arg-type]


class Cut(dict[str, Any]):
    """A JSON object its builder already cut to the mask it was given (and copied):
    :func:`apply` with that same mask returns it as it is, so a large response (grid
    data) is not walked twice."""


def apply(data: Any, mask: Mask | None) -> Any:
    """``data`` with only the fields ``mask`` selects (what it keeps is shared with
    ``data``, not copied)."""
    if mask is None or "*" in mask or isinstance(data, Cut):
        return data
    if isinstance(data, list):
        return [apply(item, mask) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: apply(value, mask[key]) for key, value in data.items() if key in mask}


def select(data: Any, mask: Mask | None) -> Any:
    """A copy of ``data`` with only the fields ``mask`` selects: :func:`apply` that
    shares nothing with ``data`` (for JSON-like trees: dicts, lists and scalars)."""
    if mask is None or "*" in mask:
        return json_copy(data)
    if isinstance(data, dict):
        return {key: select(value, mask[key]) for key, value in data.items() if key in mask}
    if isinstance(data, list):
        return [select(item, mask) for item in data]
    return data


def json_copy(data: T) -> T:
    """A deep copy of a JSON-like tree (dicts, lists and immutable scalars), several
    times cheaper than ``copy.deepcopy``, which also handles cycles and other types."""
    if isinstance(data, dict):
        return {key: json_copy(value) for key, value in data.items()}  # type: ignore[return-value]
    if isinstance(data, list):
        return [json_copy(item) for item in data]  # type: ignore[return-value]
    return data


def selects(mask: Mask | None, *path: str) -> bool:
    """Whether ``mask`` keeps anything under ``path``."""
    node = mask
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def sub(mask: Mask | None, *path: str) -> Mask | None:
    node = mask
    for name in path:
        if node is None or "*" in node:
            return None
        node = node.get(name)
    return node


def update(target: dict[str, Any], source: dict[str, Any], fields: str | Mask) -> None:
    """Copy the ``fields`` of ``source`` onto ``target`` (absent ones are cleared)."""
    mask = parse(fields.strip()) if isinstance(fields, str) else fields
    if "*" in mask:
        target.clear()
        target.update(json_copy(source))
        return
    for path in _paths(mask):
        _copy_path(target, source, path)


def _paths(mask: Mask, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for key, sub_mask in mask.items():
        if sub_mask is None:
            out.append((*prefix, key))
        else:
            out.extend(_paths(sub_mask, (*prefix, key)))
    return out


def _copy_path(
    target: dict[str, Any], source: dict[str, Any] | None, path: tuple[str, ...]
) -> None:
    head, rest = path[0], path[1:]
    value = source.get(head) if isinstance(source, dict) else None
    if head == "*":
        if isinstance(source, dict):
            target.clear()
            target.update(json_copy(source))
        return
    if not rest:
        if value is None:
            target.pop(head, None)
        else:
            target[head] = json_copy(value)
        return
    child = target.get(head)
    if not isinstance(child, dict):
        if value is None:
            return
        child = {}
        target[head] = child
    _copy_path(child, value, rest)
    if not child:
        target.pop(head, None)
