"""Reading and writing JSON documents (Google's replies, the store's snapshots) cheaply.

:func:`text` writes a document exactly as ``json.dumps`` does (the same text, byte for
byte), without its check for reference cycles (a document is a tree; a cycle would end
in ``RecursionError`` rather than ``ValueError``), about a fifth less CPU.

:func:`parse` gives the same Python values as ``json.loads`` (dicts, lists, str, int,
float, bool, None; ``NaN`` and ``Infinity`` read as floats), through pydantic-core's
parser, which the service already depends on through pydantic, in less CPU.

It parses with the cyclic garbage collector paused: a sync's read is about 100 KB of
JSON at 15 milestones, thousands of new dicts and lists at once, enough to set off
collections part-way through (now and then of the whole heap, tens of milliseconds)
that look at every one of them and can free nothing (a parsed document holds no
reference cycles). The collector runs as usual afterwards. Collection is process-wide:
when another thread has paused it, a parse leaves it to that thread to resume it.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from pydantic_core import from_json


def text(document: Any) -> str:
    """``document`` as JSON text, as ``json.dumps(document)`` writes it."""
    encoded: str = _encoder().encode(document)
    return encoded


@cache
def _encoder() -> json.JSONEncoder:
    return json.JSONEncoder(check_circular=False)


def parse(document: str | bytes) -> Any:
    """The JSON ``document`` as Python values (``ValueError`` when it is not JSON)."""
    with collector_paused():
        return from_json(document)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (left alone when it is off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
