"""Drive v3 resources as JSON: File, Permission, User.

Each function gives the full resource; the ``fields`` mask (:mod:`partial`) then cuts
it down, with Drive's defaults when the caller named no fields.
"""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.drive.fields import Mask
from emulator.state import FOLDER_MIME, ROLE_RANK, SPREADSHEET_MIME, DriveFile, Permission

# What Drive answers when the request has no ``fields`` parameter.
FILE_DEFAULT: Mask = {"kind": None, "id": None, "name": None, "mimeType": None}
FILE_LIST_DEFAULT: Mask = {
    "nextPageToken": None,
    "kind": None,
    "incompleteSearch": None,
    "files": FILE_DEFAULT,
}
PERMISSION_DEFAULT: Mask = {
    "kind": None,
    "id": None,
    "type": None,
    "role": None,
    "emailAddress": None,
    "domain": None,
    "allowFileDiscovery": None,
}
PERMISSION_LIST_DEFAULT: Mask = {
    "nextPageToken": None,
    "kind": None,
    "permissions": PERMISSION_DEFAULT,
}

_EXPORT_FORMATS = {
    "application/x-vnd.oasis.opendocument.spreadsheet": "ods",
    "text/tab-separated-values": "tsv",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "application/zip": "zip",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def root_id_for(email: str) -> str:
    """The id of a user's My Drive root folder (``'root'`` in queries)."""
    digest = hashlib.sha256(("root:" + email.lower()).encode()).hexdigest()
    return "0A" + digest[:17] + "Uk9PVA"


def display_name(email: str) -> str:
    """How Drive names an account: a service account by its email, a person by name."""
    if email.lower().endswith(".iam.gserviceaccount.com"):
        return email
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


def user_json(email: str, caller: str) -> dict[str, Any]:
    from emulator.state import permission_id_for

    return {
        "kind": "drive#user",
        "displayName": display_name(email),
        "me": email.lower() == caller.lower(),
        "permissionId": permission_id_for(email),
        "emailAddress": email,
    }


def permission_json(perm: Permission) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "drive#permission", "id": perm.id, "type": perm.type}
    if perm.type in ("user", "group"):
        body["emailAddress"] = perm.email_address
        body["displayName"] = perm.display_name or display_name(perm.email_address)
    if perm.type == "domain":
        body["domain"] = perm.domain
        body["displayName"] = perm.domain
    if perm.type in ("domain", "anyone"):
        body["allowFileDiscovery"] = perm.id != "anyoneWithLink" and perm.type != "domain"
    body["role"] = perm.role
    body["deleted"] = False
    body["pendingOwner"] = False
    return body


def web_view_link(file: DriveFile) -> str:
    if file.mime_type == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=drivesdk"
    if file.mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{file.id}"
    return f"https://drive.google.com/file/d/{file.id}/view?usp=drivesdk"


def file_json(file: DriveFile, caller: str) -> dict[str, Any]:
    """The whole File resource as ``caller`` may see it."""
    role = file.role_of(caller) or "reader"
    rank = ROLE_RANK[role]
    can_edit = rank >= ROLE_RANK["writer"]
    owner = rank >= ROLE_RANK["owner"]
    body: dict[str, Any] = {
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "starred": False,
        "trashed": file.trashed,
        "explicitlyTrashed": file.trashed,
        "parents": list(file.parents),
        "spaces": ["drive"],
        "version": str(file.version),
        "webViewLink": web_view_link(file),
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{file.mime_type}",
        "hasThumbnail": False,
        "thumbnailVersion": "0",
        "viewedByMe": True,
        "createdTime": file.created_time,
        "modifiedTime": file.modified_time,
        "modifiedByMe": file.last_modifying_user.lower() == caller.lower(),
        "owners": [user_json(file.owner, caller)],
        "lastModifyingUser": user_json(file.last_modifying_user or file.owner, caller),
        "shared": len(file.permissions) > 1,
        "ownedByMe": owner,
        "capabilities": {
            "canEdit": can_edit,
            "canComment": rank >= ROLE_RANK["commenter"],
            "canShare": can_edit,
            "canCopy": True,
            "canDownload": True,
            "canRename": can_edit,
            "canTrash": owner,
            "canDelete": owner,
            "canReadRevisions": can_edit,
            "canAddChildren": can_edit and file.mime_type == FOLDER_MIME,
            "canListChildren": file.mime_type == FOLDER_MIME,
            "canChangeViewersCanCopyContent": owner,
        },
        "viewersCanCopyContent": True,
        "copyRequiresWriterPermission": False,
        "writersCanShare": True,
        "quotaBytesUsed": "0",
        "isAppAuthorized": False,
    }
    if file.description:
        body["description"] = file.description
    if not file.parents:
        del body["parents"]
    if can_edit:
        # Drive shows who has access only to those who can share the file.
        body["permissions"] = [permission_json(p) for p in file.permissions]
        body["permissionIds"] = [p.id for p in file.permissions]
    if file.mime_type == SPREADSHEET_MIME:
        body["exportLinks"] = {
            mime: f"https://docs.google.com/spreadsheets/export?id={file.id}&exportFormat={fmt}"
            for mime, fmt in _EXPORT_FORMATS.items()
        }
    return body
