"""Drive v3 revisions: ``list`` and ``get``, for the revision history of a file.

Every content change (a Sheets write, a values update, a copy) makes a revision naming
the person who made it (``lastModifyingUser``); changes one after another by the same
person merge into one revision, as Drive merges a spreadsheet's edits. Only those who
may edit the file may read its revisions (``capabilities.canReadRevisions``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from emulator.context import current_state, current_user
from emulator.drive.access import require_role, visible_file
from emulator.drive.fields import Mask
from emulator.drive.listing import encode_page_token, page_offset
from emulator.drive.protocol import int_arg, respond
from emulator.drive.resources import user_json
from emulator.errors import drive_error
from emulator.state import SPREADSHEET_MIME, DriveFile, EmulatorState

blueprint = Blueprint("revisions", __name__)

REVISION_DEFAULT: Mask = {"kind": None, "id": None, "mimeType": None, "modifiedTime": None}
REVISION_LIST_DEFAULT: Mask = {
    "nextPageToken": None,
    "kind": None,
    "revisions": REVISION_DEFAULT,
}


@blueprint.get("/files/<file_id>/revisions", endpoint="list")
def list_revisions(file_id: str) -> Any:
    """The file's revisions, oldest first, a page at a time."""
    state, user = current_state(), current_user()
    page_size = int_arg("pageSize", 200, 1, 1000)
    offset = page_offset(request.args.get("pageToken"))
    with state.lock:
        file = _readable(state, file_id, user)
        revisions = [_revision_json(file, r, user) for r in file.revisions]
    body: dict[str, Any] = {
        "kind": "drive#revisionList",
        "revisions": revisions[offset : offset + page_size],
    }
    if offset + page_size < len(revisions):
        body["nextPageToken"] = encode_page_token(offset + page_size)
    return respond(body, "RevisionList", REVISION_LIST_DEFAULT)


@blueprint.get("/files/<file_id>/revisions/<revision_id>", endpoint="get")
def get_revision(file_id: str, revision_id: str) -> Any:
    state, user = current_state(), current_user()
    with state.lock:
        file = _readable(state, file_id, user)
        found = next((r for r in file.revisions if r["id"] == revision_id), None)
        if found is None:
            raise drive_error(
                404, f"Revision not found: {revision_id}.", "notFound", location="revisionId"
            )
        resource = _revision_json(file, found, user)
    return respond(resource, "Revision", REVISION_DEFAULT)


def _readable(state: EmulatorState, file_id: str, user: str) -> DriveFile:
    file = visible_file(state, file_id, user)
    require_role(file, user, "writer")
    return file


def _revision_json(file: DriveFile, revision: dict[str, str], caller: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "drive#revision",
        "id": revision["id"],
        "mimeType": file.mime_type,
        "modifiedTime": revision["modifiedTime"],
        "lastModifyingUser": user_json(revision["user"], caller),
    }
    if file.mime_type != SPREADSHEET_MIME:
        body["keepForever"] = False
    return body
