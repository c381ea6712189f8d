"""Drive v3 files: create, get, list, update, copy, delete, export, watch; and comments.

Served under ``/drive/v3`` (see :mod:`emulator.drive.api`), named by Google's method
ids (``drive.files.create``, ...) with the view argument ``file_id``, so counters,
faults and race hooks key on them. What ``files.list`` shows is in
:mod:`emulator.drive.listing`, what a watch channel gets in :mod:`emulator.drive.push`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, jsonify, request

from emulator.context import base_url, current_state, current_user
from emulator.drive import push
from emulator.drive.access import no_storage_quota, require_role, visible_file
from emulator.drive.listing import list_page, page_offset, sort_order
from emulator.drive.protocol import body_json, flag, int_arg, respond
from emulator.drive.query import compile_query
from emulator.drive.resources import FILE_DEFAULT, FILE_LIST_DEFAULT, file_json, root_id_for
from emulator.drive.spreadsheets import (
    copy_spreadsheet,
    export_rows,
    new_spreadsheet,
    rename_spreadsheet,
)
from emulator.errors import drive_bad_value, drive_error
from emulator.state import (
    FOLDER_MIME,
    PARENTS,
    PROPERTIES,
    SPREADSHEET_MIME,
    DriveFile,
    EmulatorState,
    new_file_id,
)
from emulator.users import is_service_account

files = Blueprint("files", __name__)
comments = Blueprint("comments", __name__)


@files.post("/files", endpoint="create")
def create_file() -> Any:
    """Create a file: a spreadsheet, a folder, or an empty file of another type."""
    flag("supportsAllDrives")
    state, user = current_state(), current_user()
    body = body_json()
    mime = str(body.get("mimeType") or "application/octet-stream")
    name = str(body.get("name") or "Untitled")
    if is_service_account(user):
        raise no_storage_quota()
    with state.lock:
        parents = _resolve_parents(state, body.get("parents"), user)
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


@files.get("/files/<file_id>", endpoint="get")
def get_file(file_id: str) -> Any:
    """A file's metadata."""
    state, user = current_state(), current_user()
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


@files.get("/files", endpoint="list")
def list_files() -> Any:
    """Files the caller can see that match ``q``, a page at a time."""
    predicate = compile_query(request.args.get("q", ""), root_id_for)
    page_size = int_arg("pageSize", 100, 1, 1000)
    offset = page_offset(request.args.get("pageToken"))
    order = sort_order(request.args.get("orderBy"))
    body = list_page(
        current_state(),
        current_user(),
        predicate,
        page_size=page_size,
        offset=offset,
        order=order,
    )
    return respond(body, "FileList", FILE_LIST_DEFAULT)


@files.patch("/files/<file_id>", endpoint="update")
def update_file(file_id: str) -> Any:
    """Rename, trash or untrash, describe, or move a file."""
    state, user = current_state(), current_user()
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
                rename_spreadsheet(file.spreadsheet, file.name)
            what.append(PROPERTIES)
        if "description" in body:
            file.description = str(body["description"] or "")
            what.append(PROPERTIES)
        add = [p for p in request.args.get("addParents", "").split(",") if p]
        remove = [p for p in request.args.get("removeParents", "").split(",") if p]
        if add or remove:
            new_parents = [p for p in file.parents if p not in remove]
            for parent in _resolve_parents(state, add, user):
                if parent not in new_parents:
                    new_parents.append(parent)
            file.parents = new_parents
            what.append(PARENTS)
        if what:
            state.changed(file, user, what=tuple(dict.fromkeys(what)), kind=kind)
        resource = file_json(file, user)
    return respond(resource, "File", FILE_DEFAULT)


@files.post("/files/<file_id>/copy", endpoint="copy")
def copy_file(file_id: str) -> Any:
    """Copy a file; a spreadsheet is copied deeply."""
    flag("supportsAllDrives")
    state, user = current_state(), current_user()
    body = body_json()
    with state.lock:
        source = visible_file(state, file_id, user)
        if source.mime_type == FOLDER_MIME:
            raise drive_error(403, "This file cannot be copied by the user.", "cannotCopyFile")
        if is_service_account(user):
            raise no_storage_quota()
        name = str(body.get("name") or f"Copy of {source.name}")
        new_id = new_file_id()
        parents = _resolve_parents(state, body.get("parents"), user)
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


@files.delete("/files/<file_id>", endpoint="delete")
def delete_file(file_id: str) -> Any:
    """Delete a file for good (and, for a folder, what is in it)."""
    flag("supportsAllDrives")
    state, user = current_state(), current_user()
    with state.lock:
        require_role(visible_file(state, file_id, user), user, "owner")
        doomed = [file_id]
        while doomed:
            current = doomed.pop()
            doomed.extend(f.id for f in state.files.values() if current in f.parents)
            state.remove_file(current, user)
    return Response(status=204, content_type="text/html")


@files.get("/files/<file_id>/export", endpoint="export")
def export_file(file_id: str) -> Any:
    """A spreadsheet's first sheet as CSV (or TSV)."""
    state, user = current_state(), current_user()
    mime = request.args.get("mimeType")
    if not mime:
        raise drive_error(400, "Required parameter: mimeType", "required", location="mimeType")
    with state.lock:
        file = visible_file(state, file_id, user)
        if file.spreadsheet is None:
            raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
        if mime not in ("text/csv", "text/tab-separated-values"):
            raise drive_bad_value("mimeType", "The requested conversion is not supported.")
        rows = export_rows(file.spreadsheet)
    text = _delimited(rows, "," if mime == "text/csv" else "\t")
    response = Response(text, content_type=mime)
    response.headers["Content-Disposition"] = "attachment"
    return response


@files.post("/files/<file_id>/watch", endpoint="watch")
def watch_file(file_id: str) -> Any:
    """Open a channel that is told when the file changes."""
    channel = push.open_channel(current_state(), file_id, body_json(), current_user(), base_url())
    return jsonify(channel.api_json())


@comments.get("/files/<file_id>/comments", endpoint="list")
def list_comments(file_id: str) -> Any:
    """Comments are not modelled: every file has none."""
    state = current_state()
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


def _resolve_parents(state: EmulatorState, parents: Any, user: str) -> list[str]:
    """The folder ids a new or moved file goes in: ``root`` is the caller's My Drive;
    any other parent must be a folder the caller may write to."""
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


def _delimited(rows: list[list[str]], sep: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().removesuffix("\r\n")
