"""Drive v3 files: create, get, list, update, copy, delete, export.

Routes are named by Google's method ids (``drive.files.create``, ...) with the view
argument ``file_id``, so counters, faults and race hooks key on them. Permissions are
in :mod:`permissions`, watch channels in :mod:`push`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from flask import Flask, Response, jsonify, request

from emulator.drive import fields
from emulator.drive.query import compile_query
from emulator.drive.resources import (
    FILE_DEFAULT,
    FILE_LIST_DEFAULT,
    file_json,
    root_id_for,
)
from emulator.drive.spreadsheets import copy_spreadsheet, export_rows, new_spreadsheet
from emulator.errors import GoogleApiError, drive_bad_value, drive_error
from emulator.state import (
    FOLDER_MIME,
    PARENTS,
    PROPERTIES,
    ROLE_RANK,
    SPREADSHEET_MIME,
    DriveFile,
    EmulatorState,
    new_file_id,
)
from emulator.users import is_service_account

BASE = "/drive/v3"
_ORDER_KEYS = {
    "modifiedTime": lambda f: f.modified_time,
    "createdTime": lambda f: f.created_time,
    "name": lambda f: f.name.lower(),
    "name_natural": lambda f: f.name.lower(),
    "folder": lambda f: f.mime_type != FOLDER_MIME,
}


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


def respond(resource: dict[str, Any], schema: str, default: fields.Mask) -> Response:
    """``resource`` cut to the request's ``fields`` (or Drive's defaults)."""
    text = request.args.get("fields")
    mask = default if text is None else fields.parse_fields(text)
    fields.check(mask, schema)
    return jsonify(fields.apply(resource, mask))


def no_storage_quota() -> GoogleApiError:
    return drive_error(
        403,
        "Service Accounts do not have storage quota. Leverage shared drives "
        "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
        "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.",
        "storageQuotaExceeded",
        domain="usageLimits",
    )


def register(app: Flask, state: EmulatorState) -> None:
    from emulator.app import current_user

    def resolve_parents(parents: Any, user: str) -> list[str]:
        if parents is None:
            return [root_id_for(user)]
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise drive_bad_value("parents")
        resolved = []
        for parent in parents:
            if parent in ("root", root_id_for(user)):
                resolved.append(root_id_for(user))
                continue
            folder = state.authorize(parent, user, "writer", drive=True)
            if folder.mime_type != FOLDER_MIME:
                raise drive_error(403, "The parent is not a folder.", "teamDriveFileLimitExceeded")
            resolved.append(folder.id)
        return resolved

    @app.post(f"{BASE}/files", endpoint="drive.files.create")
    def _create() -> Any:
        """Create a file: a spreadsheet, a folder, or an empty file of another type."""
        flag("supportsAllDrives")
        user = current_user()
        body = body_json()
        mime = str(body.get("mimeType") or "application/octet-stream")
        name = str(body.get("name") or "Untitled")
        if is_service_account(user):
            raise no_storage_quota()
        with state.lock:
            parents = resolve_parents(body.get("parents"), user)
            file_id = new_file_id()
            file = DriveFile(
                id=file_id,
                name=name,
                mime_type=mime,
                owner=user,
                last_modifying_user=user,
                parents=parents,
                description=str(body.get("description", "")),
            )
            if mime == SPREADSHEET_MIME:
                file.spreadsheet = new_spreadsheet(file_id, name)
            state.add_file(file)
            resource = file_json(file, user)
        return respond(resource, "File", FILE_DEFAULT)

    @app.get(f"{BASE}/files/<file_id>", endpoint="drive.files.get")
    def _get(file_id: str) -> Any:
        """A file's metadata."""
        user = current_user()
        with state.lock:
            file = visible_file(state, file_id, user)
            if request.args.get("alt") == "media":
                raise drive_error(
                    403,
                    "Only files with binary content can be downloaded. Use Export with "
                    "Docs Editors files.",
                    "fileNotDownloadable",
                    location="alt",
                )
            resource = file_json(file, user)
        return respond(resource, "File", FILE_DEFAULT)

    @app.get(f"{BASE}/files", endpoint="drive.files.list")
    def _list() -> Any:
        """Files the caller can see that match ``q``, a page at a time."""
        user = current_user()
        predicate = compile_query(request.args.get("q", ""), root_id_for)
        page_size = _int_arg("pageSize", 100, 1, 1000)
        offset = _decode_page_token(request.args.get("pageToken"))
        order = _order_key(request.args.get("orderBy"))
        with state.lock:
            matches = [
                f for f in state.files.values() if _in_search_of(f, user) and predicate(f, user)
            ]
            for key, descending in reversed(order):
                matches.sort(key=key, reverse=descending)
            page = matches[offset : offset + page_size]
            body: dict[str, Any] = {}
            if offset + page_size < len(matches):
                body["nextPageToken"] = _encode_page_token(offset + page_size)
            body["kind"] = "drive#fileList"
            body["incompleteSearch"] = False
            body["files"] = [file_json(f, user) for f in page]
        return respond(body, "FileList", FILE_LIST_DEFAULT)

    @app.patch(f"{BASE}/files/<file_id>", endpoint="drive.files.update")
    def _update(file_id: str) -> Any:
        """Rename, trash or untrash, describe, or move a file."""
        user = current_user()
        body = body_json()
        with state.lock:
            file = visible_file(state, file_id, user)
            what: list[str] = []
            kind = "update"
            if "trashed" in body and bool(body["trashed"]) != file.trashed:
                require_role(file, user, "owner")
                file.trashed = bool(body["trashed"])
                kind = "trash" if file.trashed else "untrash"
                what.append(PROPERTIES)
            if {"name", "description"} & body.keys() or {"addParents", "removeParents"} & set(
                request.args
            ):
                require_role(file, user, "writer")
            if "name" in body and body["name"] != file.name:
                file.name = str(body["name"])
                if file.spreadsheet is not None:
                    from emulator.drive.spreadsheets import rename_spreadsheet

                    rename_spreadsheet(file.spreadsheet, file.name)
                what.append(PROPERTIES)
            if "description" in body:
                file.description = str(body["description"] or "")
                what.append(PROPERTIES)
            add = [p for p in request.args.get("addParents", "").split(",") if p]
            remove = [p for p in request.args.get("removeParents", "").split(",") if p]
            if add or remove:
                new_parents = [p for p in file.parents if p not in remove]
                for parent in resolve_parents(add, user):
                    if parent not in new_parents:
                        new_parents.append(parent)
                file.parents = new_parents
                what.append(PARENTS)
            if what:
                state.changed(file, user, what=tuple(dict.fromkeys(what)), kind=kind)
            resource = file_json(file, user)
        return respond(resource, "File", FILE_DEFAULT)

    @app.post(f"{BASE}/files/<file_id>/copy", endpoint="drive.files.copy")
    def _copy(file_id: str) -> Any:
        """Copy a file; a spreadsheet is copied deeply."""
        flag("supportsAllDrives")
        user = current_user()
        body = body_json()
        with state.lock:
            source = visible_file(state, file_id, user)
            if source.mime_type == FOLDER_MIME:
                raise drive_error(403, "This file cannot be copied by the user.", "cannotCopyFile")
            if is_service_account(user):
                raise no_storage_quota()
            name = str(body.get("name") or f"Copy of {source.name}")
            new_id = new_file_id()
            parents = resolve_parents(body.get("parents"), user)
            copy = DriveFile(
                id=new_id,
                name=name,
                mime_type=source.mime_type,
                owner=user,
                last_modifying_user=user,
                parents=parents,
                description=str(body.get("description", source.description)),
            )
            if source.spreadsheet is not None:
                copy.spreadsheet = copy_spreadsheet(source.spreadsheet, new_id, name)
            state.add_file(copy)
            resource = file_json(copy, user)
        return respond(resource, "File", FILE_DEFAULT)

    @app.delete(f"{BASE}/files/<file_id>", endpoint="drive.files.delete")
    def _delete(file_id: str) -> Any:
        """Delete a file for good (and, for a folder, what is in it)."""
        flag("supportsAllDrives")
        user = current_user()
        with state.lock:
            require_role(visible_file(state, file_id, user), user, "owner")
            doomed = [file_id]
            while doomed:
                current = doomed.pop()
                doomed.extend(f.id for f in state.files.values() if current in f.parents)
                state.remove_file(current, user)
        return Response(status=204, content_type="text/html")

    @app.get(f"{BASE}/files/<file_id>/export", endpoint="drive.files.export")
    def _export(file_id: str) -> Any:
        """A spreadsheet's first sheet as CSV (or TSV)."""
        user = current_user()
        mime = request.args.get("mimeType")
        if not mime:
            raise drive_error(400, "Required parameter: mimeType", "required", location="mimeType")
        with state.lock:
            file = visible_file(state, file_id, user)
            if file.spreadsheet is None:
                raise drive_error(
                    403, "Export only supports Docs Editors files.", "fileNotExportable"
                )
            if mime not in ("text/csv", "text/tab-separated-values"):
                raise drive_bad_value("mimeType", "The requested conversion is not supported.")
            rows = export_rows(file.spreadsheet)
        text = _delimited(rows, "," if mime == "text/csv" else "\t")
        response = Response(text, content_type=mime)
        response.headers["Content-Disposition"] = "attachment"
        return response

    @app.get(f"{BASE}/files/<file_id>/comments", endpoint="drive.comments.list")
    def _comments(file_id: str) -> Any:
        """Comments are not modelled: every file has none."""
        with state.lock:
            visible_file(state, file_id, current_user())
        return respond(
            {"kind": "drive#commentList", "comments": []},
            "CommentList",
            {
                "kind": None,
                "comments": None,
            },
        )


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


def require_role(file: DriveFile, user: str, need: str) -> None:
    """Drive's 403 unless ``user`` holds at least role ``need`` on ``file``."""
    role = file.role_of(user)
    if role is None or ROLE_RANK[role] < ROLE_RANK[need]:
        raise drive_error(
            403,
            "The user does not have sufficient permissions for this file.",
            "insufficientFilePermissions",
        )


def visible_file(state: EmulatorState, file_id: str, user: str) -> DriveFile:
    """The file if the caller can see it (trashed files included, as in Drive)."""
    file = state.files.get(file_id)
    if file is None or file.role_of(user) is None:
        raise drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")
    return file


def _int_arg(name: str, default: int, low: int, high: int) -> int:
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


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode_page_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = int(json.loads(base64.urlsafe_b64decode(padded))["o"])
    except (ValueError, KeyError, TypeError):
        raise drive_bad_value("pageToken") from None
    return max(offset, 0)


def _order_key(text: str | None) -> list[tuple[Any, bool]]:
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


def _delimited(rows: list[list[str]], sep: str) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().removesuffix("\r\n")
