"""Drive v3 permissions (sharing), and the invitations Drive would have emailed.

``permissions.create`` with ``sendNotificationEmail`` (Drive's default: true for users
and groups) records the invitation, with its ``emailMessage``; tests read them at
``GET /__emulator/notifications[?to=EMAIL&file_id=ID]`` and clear them with
``DELETE /__emulator/notifications`` (see :mod:`emulator.control`).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from flask import Blueprint, Response, request

from emulator.context import current_state, current_user
from emulator.drive.access import require_role, visible_file
from emulator.drive.protocol import body_json, flag, respond
from emulator.drive.resources import (
    PERMISSION_DEFAULT,
    PERMISSION_LIST_DEFAULT,
    permission_json,
)
from emulator.errors import GoogleApiError, drive_bad_value, drive_error
from emulator.state import (
    PERMISSIONS,
    DriveFile,
    EmulatorState,
    Permission,
    permission_id_for,
)

# Drive's ``permissions`` resource: ``drive.permissions.*``.
blueprint = Blueprint("permissions", __name__)
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
TYPES = ("user", "group", "domain", "anyone")


class Outbox:
    """Invitation emails Drive would have sent. Persists with the state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[dict[str, Any]] = []

    def send(self, mail: dict[str, Any]) -> None:
        with self._lock:
            self._mails.append(mail)

    def list(self, to: str | None = None, file_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                m
                for m in self._mails
                if (to is None or m["to"].lower() == to.lower())
                and (file_id is None or m["file_id"] == file_id)
            ]

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()

    def to_json(self) -> Any:
        with self._lock:
            return list(self._mails)

    def load_json(self, data: Any) -> None:
        with self._lock:
            self._mails = list(data)


def outbox(state: EmulatorState) -> Outbox:
    return state.section("notifications", Outbox)


def _permission_id(kind: str, email: str, domain: str, discoverable: bool) -> str:
    if kind == "anyone":
        return "anyone" if discoverable else "anyoneWithLink"
    if kind == "domain":
        digest = int(hashlib.sha256(("domain:" + domain.lower()).encode()).hexdigest(), 16)
        return f"{digest % 10**20:020d}k"
    return permission_id_for(email)


def _find(file: DriveFile, permission_id: str) -> Permission:
    for perm in file.permissions:
        if perm.id == permission_id:
            return perm
    raise drive_error(
        404, f"Permission not found: {permission_id}.", "notFound", location="permissionId"
    )


def attach(state: EmulatorState) -> None:
    """Forget the invitations when the state is reset."""
    state.on_reset(outbox(state).clear)


@blueprint.post("/files/<file_id>/permissions", endpoint="create")
def create_permission(file_id: str) -> Any:
    """Share a file with a user, group, domain or anyone."""
    state, user = current_state(), current_user()
    body = body_json()
    kind, role, email, domain = _requested(body)
    notify = flag("sendNotificationEmail", default=kind in ("user", "group"))
    if notify and kind in ("domain", "anyone"):
        raise drive_bad_value(
            "sendNotificationEmail",
            "Notification emails can only be sent to users and groups.",
        )
    message = request.args.get("emailMessage", "")
    if role == "owner" and not flag("transferOwnership"):
        raise drive_error(
            403,
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
            "forbidden",
            location="transferOwnership",
        )
    with state.lock:
        file = visible_file(state, file_id, user)
        require_role(file, user, "writer")
        perm_id = _permission_id(kind, email, domain, bool(body.get("allowFileDiscovery")))
        perm = next((p for p in file.permissions if p.id == perm_id), None)
        if perm is None:
            perm = Permission(id=perm_id, type=kind, role=role, email_address=email, domain=domain)
            file.permissions.append(perm)
        elif perm.role != "owner":
            perm.role = role
        if role == "owner":
            _transfer_ownership(file, perm)
        perm.send_notification_email = notify
        perm.email_message = message
        if notify:
            invitation = {"to": email, "role": role, "type": kind, "message": message}
            outbox(state).send(_mail(state, file, user, invitation))
        state.changed(file, user, what=(PERMISSIONS,))
        resource = permission_json(perm)
    state.touch()
    return respond(resource, "Permission", PERMISSION_DEFAULT)


@blueprint.get("/files/<file_id>/permissions", endpoint="list")
def list_permissions(file_id: str) -> Any:
    """Who has access to a file."""
    state, user = current_state(), current_user()
    with state.lock:
        file = visible_file(state, file_id, user)
        require_role(file, user, "writer")
        body = {
            "kind": "drive#permissionList",
            "permissions": [permission_json(p) for p in file.permissions],
        }
    return respond(body, "PermissionList", PERMISSION_LIST_DEFAULT)


@blueprint.get("/files/<file_id>/permissions/<permission_id>", endpoint="get")
def get_permission(file_id: str, permission_id: str) -> Any:
    """One permission of a file."""
    state, user = current_state(), current_user()
    with state.lock:
        file = visible_file(state, file_id, user)
        resource = permission_json(_find(file, permission_id))
    return respond(resource, "Permission", PERMISSION_DEFAULT)


@blueprint.patch("/files/<file_id>/permissions/<permission_id>", endpoint="update")
def update_permission(file_id: str, permission_id: str) -> Any:
    """Change the role of a permission."""
    state, user = current_state(), current_user()
    role = body_json().get("role")
    if role not in ROLES or (role == "owner" and not flag("transferOwnership")):
        raise drive_bad_value("permission.role")
    with state.lock:
        file = visible_file(state, file_id, user)
        require_role(file, user, "writer")
        perm = _find(file, permission_id)
        if perm.role == "owner":
            raise drive_error(
                403, "The owner of a file cannot be changed this way.", "cannotModifyOwner"
            )
        perm.role = role
        if role == "owner":
            _transfer_ownership(file, perm)
        state.changed(file, user, what=(PERMISSIONS,))
        resource = permission_json(perm)
    return respond(resource, "Permission", PERMISSION_DEFAULT)


@blueprint.delete("/files/<file_id>/permissions/<permission_id>", endpoint="delete")
def delete_permission(file_id: str, permission_id: str) -> Any:
    """Take someone's access away."""
    state, user = current_state(), current_user()
    with state.lock:
        file = visible_file(state, file_id, user)
        perm = _find(file, permission_id)
        if perm.id != permission_id_for(user):
            require_role(file, user, "writer")
        if perm.role == "owner":
            raise drive_error(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
        file.permissions.remove(perm)
        state.changed(file, user, what=(PERMISSIONS,))
    return Response(status=204, content_type="text/html")


def _requested(body: dict[str, Any]) -> tuple[str, str, str, str]:
    """(type, role, emailAddress, domain) of a new permission, or Drive's 400 naming
    the field that is missing."""
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise _required("type")
    if role not in ROLES:
        raise _required("role")
    email = str(body.get("emailAddress") or "")
    domain = str(body.get("domain") or "")
    if kind in ("user", "group") and "@" not in email:
        raise _required("emailAddress")
    if kind == "domain" and not domain:
        raise _required("domain")
    return str(kind), str(role), email, domain


def _required(field: str) -> GoogleApiError:
    return drive_error(
        400,
        f"The permission {field} field is required.",
        "required",
        location=f"permission.{field}",
    )


def _mail(
    state: EmulatorState, file: DriveFile, sender: str, invitation: dict[str, str]
) -> dict[str, Any]:
    """The email Drive sends a user or group a file is shared with."""
    return {
        "file_id": file.id,
        "file_name": file.name,
        "from": sender,
        **invitation,
        "link": f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=sharing_eil",
        "sent_time": state.clock.rfc3339(),
    }


def _transfer_ownership(file: DriveFile, new_owner: Permission) -> None:
    """The new owner owns the file; the old owner stays on as a writer."""
    for perm in file.permissions:
        if perm.role == "owner" and perm is not new_owner:
            perm.role = "writer"
    new_owner.role = "owner"
    file.owner = new_owner.email_address
