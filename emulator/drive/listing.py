"""``files.list``: which files a search shows the caller, in which order (``orderBy``),
a page at a time (``pageToken``). What ``q`` means is in :mod:`emulator.drive.query`."""

from __future__ import annotations

import base64
import json
from typing import Any

from emulator.drive.query import Predicate
from emulator.drive.resources import file_json
from emulator.errors import drive_bad_value
from emulator.state import FOLDER_MIME, DriveFile, EmulatorState

_ORDER_KEYS = {
    "modifiedTime": lambda f: f.modified_time,
    "createdTime": lambda f: f.created_time,
    "name": lambda f: f.name.lower(),
    "name_natural": lambda f: f.name.lower(),
    "folder": lambda f: f.mime_type != FOLDER_MIME,
}


def list_page(
    state: EmulatorState,
    user: str,
    predicate: Predicate,
    *,
    page_size: int,
    offset: int,
    order: list[tuple[Any, bool]],
) -> dict[str, Any]:
    """The FileList of the files ``user`` finds with ``predicate``, from ``offset``."""
    with state.lock:
        matches = [f for f in state.files.values() if _in_search_of(f, user) and predicate(f, user)]
        for key, descending in reversed(order):
            matches.sort(key=key, reverse=descending)
        page = matches[offset : offset + page_size]
        body: dict[str, Any] = {}
        if offset + page_size < len(matches):
            body["nextPageToken"] = encode_page_token(offset + page_size)
        body["kind"] = "drive#fileList"
        body["incompleteSearch"] = False
        body["files"] = [file_json(f, user) for f in page]
    return body


def _in_search_of(file: DriveFile, user: str) -> bool:
    """Whether ``files.list`` shows ``file`` to ``user``.

    Files shared with the user by name, and files shared with anyone as discoverable;
    a link-only or domain share opens the file but does not put it in searches.
    """
    email = user.lower()
    return any(
        (p.type in ("user", "group") and p.email_address.lower() == email)
        or (p.type == "anyone" and p.id == "anyone")
        for p in file.permissions
    )


def encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def page_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = int(json.loads(base64.urlsafe_b64decode(padded))["o"])
    except (ValueError, KeyError, TypeError):
        raise drive_bad_value("pageToken") from None
    return max(offset, 0)


def sort_order(text: str | None) -> list[tuple[Any, bool]]:
    """``orderBy`` as (key, descending) pairs; Drive's default is newest change first."""
    if not text:
        return [(_ORDER_KEYS["modifiedTime"], True), (lambda f: f.id, False)]
    keys: list[tuple[Any, bool]] = []
    for part in text.split(","):
        words = part.strip().split()
        if not words or words[0] not in _ORDER_KEYS or len(words) > 2:
            raise drive_bad_value("orderBy")
        descending = len(words) == 2 and words[1].lower() == "desc"
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            raise drive_bad_value("orderBy")
        keys.append((_ORDER_KEYS[words[0]], descending))
    keys.append((lambda f: f.id, False))
    return keys
