"""The sync's read, parsed so that a row as it was is the object it was.

A sync's read (``SheetsGateway.read_map``: the Plan tab, History's and Reviews' columns,
the Timeline) is about 60 KB of JSON at 15 milestones, some 8,000 dicts, lists, strings
and numbers once parsed, and most syncs follow an edit of one cell: every other row
reads as it read the last time. Parsed whole (orjson), the reply took 0.3 ms to make
and 0.2 ms to let go, and every step after compared each row's cells with those of the
last read to find that they had not changed.

:func:`parse` gives the same values (``json.loads`` of the reply, key for key), through
msgspec: the reply's frame is decoded with each row of each tab's grid (``rowData``)
and each entry of its row metadata (``rowMetadata``) left as the bytes they are
(``msgspec.Raw``, no object made). A row whose bytes are those of the row at the same
place in this thread's last read of the same tab is the very object parsed then; any
other row is parsed (orjson). Measured on a 15-milestone MAP's reply: 0.12 ms to parse
instead of 0.30, 0.02 ms to let go instead of 0.22 (``bench/read_reply.py``). And the
steps after the read find a row as it was at a glance: its cells are the same objects
(a comparison of lists looks at each item's identity first). A row metadata entry
without metadata (``{}``, one for every row of a tab's grid, a thousand on a tab made
at Google's default size) is one shared empty mapping that cannot be changed.

The rows parsed are shared with later reads: nothing changes what a read gives (the
reader and the remembered layout only read it). Per thread (gateways are per thread),
one reply's rows a tab: memory is bounded by one read a thread.

The frame's types name every field the read asks for (``reader.READ_FIELDS``): msgspec
drops a field its type does not name, so a field added to the read must be added here
(``tests/unit/sheets/test_read_reply.py`` holds the two together).
"""

from __future__ import annotations

import threading
from typing import Any, TypedDict, cast

import msgspec
import orjson

from service import json_documents
from service.json_documents import collector_paused


class _GridData(TypedDict, total=False):
    startRow: int
    startColumn: int
    rowData: list[msgspec.Raw]
    rowMetadata: list[msgspec.Raw]


class _Sheet(TypedDict, total=False):
    properties: Any
    conditionalFormats: Any
    protectedRanges: Any
    data: list[_GridData]


class _Reply(TypedDict, total=False):
    spreadsheetId: Any
    properties: Any
    developerMetadata: Any
    sheets: list[_Sheet]


# What each level of the frame names (the test checks them against the read's fields).
FRAME_FIELDS: dict[str, frozenset[str]] = {
    "spreadsheet": frozenset(_Reply.__annotations__),
    "sheet": frozenset(_Sheet.__annotations__),
    "data": frozenset(_GridData.__annotations__),
}

_decoder = msgspec.json.Decoder(_Reply)
_NO_METADATA = msgspec.Raw(b"{}")


class _Empty(dict[str, Any]):
    """The value of a row metadata entry without metadata: an empty dict that cannot be
    filled (one shared by every such entry), copied and pickled as a plain empty dict."""

    __slots__ = ()

    def _refused(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a row metadata entry of a read is not changed")

    __setitem__ = __delitem__ = __ior__ = _refused
    setdefault = update = pop = popitem = clear = _refused

    def __reduce__(self) -> Any:
        return (dict, ())


_EMPTY = _Empty()


class _Parsed:
    """One list of a tab's grid as this thread parsed it last: each item's bytes and
    the value parsed from them."""

    __slots__ = ("raws", "values")

    def __init__(self, raws: list[msgspec.Raw], values: list[Any]) -> None:
        self.raws = raws
        self.values = values


class _LastRead(threading.local):
    def __init__(self) -> None:
        # By (tab title, grid block, "rowData" or "rowMetadata").
        self.lists: dict[tuple[str, int, str], _Parsed] = {}


_last = _LastRead()


def parsed_by_rows(request: Any) -> Any:
    """``request`` (a built ``spreadsheets.get``) with a successful reply parsed by
    :func:`parse`; an error, or a reply not of the read's shape, as the client library's
    model gives it."""
    respond = request.postproc

    def postproc(response: Any, content: bytes) -> Any:
        if 200 <= int(response.status) < 300 and content:
            try:
                return parse(content)
            except ValueError:
                pass
        return respond(response, content)

    request.postproc = postproc
    return request


def parse(content: bytes) -> dict[str, Any]:
    """The read's reply as ``json.loads`` gives it, rows as they were being the objects
    parsed before (``ValueError`` when it is not JSON of the read's shape)."""
    with collector_paused():
        try:
            reply: dict[str, Any] = cast(dict[str, Any], _decoder.decode(content))
        except msgspec.DecodeError as exc:
            raise ValueError(str(exc)) from exc
        last = _last.lists
        now: dict[tuple[str, int, str], _Parsed] = {}
        for sheet in reply.get("sheets") or ():
            title = str(((sheet.get("properties") or {}).get("title")) or "")
            for index, block in enumerate(sheet.get("data") or ()):
                for name in ("rowData", "rowMetadata"):
                    raws = block.get(name)
                    if raws is None:
                        continue
                    key = (title, index, name)
                    parsed = _parsed(raws, last.get(key))
                    now[key] = parsed
                    block[name] = parsed.values
        _last.lists = now
    return reply


def _value(item: bytes) -> Any:
    try:
        return orjson.loads(item)
    except orjson.JSONDecodeError:  # what orjson refuses and json.loads reads
        return json_documents.parse(item)


def _parsed(raws: list[msgspec.Raw], before: _Parsed | None) -> _Parsed:
    """Each item's value: the one parsed before for the same bytes at the same place."""
    old_raws = before.raws if before is not None else []
    old_values = before.values if before is not None else []
    known = len(old_raws)
    kept_raws: list[msgspec.Raw] = []
    values: list[Any] = []
    for i, raw in enumerate(raws):
        if i < known and old_raws[i] == raw:
            kept_raws.append(old_raws[i])
            values.append(old_values[i])
        elif raw == _NO_METADATA:
            kept_raws.append(_NO_METADATA)
            values.append(_EMPTY)
        else:
            kept = raw.copy()  # its own bytes, not a view that keeps the whole reply
            kept_raws.append(kept)
            values.append(_value(bytes(kept)))
    return _Parsed(kept_raws, values)
