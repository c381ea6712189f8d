"""The emulator's state: Drive files (some of them spreadsheets), who may use them,
and a feed of changes.

One re-entrant lock guards everything; request handlers take it for the whole of a
read or a mutation, which also makes every ``batchUpdate`` atomic with respect to
other requests. After a mutation, handlers call :meth:`EmulatorState.changed`, which
bumps the file's version and tells the listeners (push notifications, persistence,
the preview's live view) without holding up the request.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from emulator.clock import EmulatorClock
from emulator.errors import GoogleApiError

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
DEFAULT_USER = "local.user@example.com"

_ID_ALPHABET = string.ascii_letters + string.digits + "-_"

# role -> rank, for "at least this role" checks
ROLE_RANK = {
    "reader": 1,
    "commenter": 2,
    "writer": 3,
    "fileOrganizer": 3,
    "organizer": 3,
    "owner": 4,
}


def new_file_id() -> str:
    """A 44-character id, as Drive gives spreadsheets."""
    return "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))


@dataclass
class Permission:
    id: str
    type: str  # user | group | domain | anyone
    role: str  # owner | writer | commenter | reader
    email_address: str = ""
    domain: str = ""
    display_name: str = ""
    # What the creator asked for, kept so tests can see the invitation.
    send_notification_email: bool = True
    email_message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "role": self.role,
            "email_address": self.email_address,
            "domain": self.domain,
            "display_name": self.display_name,
            "send_notification_email": self.send_notification_email,
            "email_message": self.email_message,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Permission:
        return cls(**data)


# What a change touched, as Drive's X-Goog-Changed header names it.
CONTENT = "content"
PROPERTIES = "properties"
PERMISSIONS = "permissions"
PARENTS = "parents"


@dataclass(frozen=True)
class Change:
    """One entry of the change feed.

    ``kind`` is ``update``, ``trash``, ``untrash`` or ``remove`` (the file is gone);
    ``what`` names the parts of an update (``content``, ``properties``, ...).
    """

    file: DriveFile
    user: str
    kind: str = "update"
    what: tuple[str, ...] = (CONTENT,)


class Section(Protocol):
    """State an extension keeps (tokens, channels, ...) that persists with the files."""

    def to_json(self) -> Any: ...

    def load_json(self, data: Any) -> None: ...


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str  # email
    # Stamped from the state's clock when the file is added (empty until then).
    created_time: str = ""
    modified_time: str = ""
    version: int = 1
    last_modifying_user: str = ""
    permissions: list[Permission] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    trashed: bool = False
    description: str = ""
    # Drive's revision history: {"id", "modifiedTime", "user"}, oldest first. Edits one
    # after another by the same person make one revision, as Drive merges them.
    revisions: list[dict[str, str]] = field(default_factory=list)
    # The spreadsheet model (emulator.sheets) when mime_type is a spreadsheet.
    spreadsheet: Any = None

    def to_json(self) -> dict[str, Any]:
        """The file's Drive metadata (not the spreadsheet, which persists on its own)."""
        return {
            "id": self.id,
            "name": self.name,
            "mime_type": self.mime_type,
            "owner": self.owner,
            "created_time": self.created_time,
            "modified_time": self.modified_time,
            "version": self.version,
            "last_modifying_user": self.last_modifying_user,
            "permissions": [p.to_json() for p in self.permissions],
            "parents": list(self.parents),
            "trashed": self.trashed,
            "description": self.description,
            "revisions": [dict(r) for r in self.revisions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DriveFile:
        fields = dict(data)
        fields["permissions"] = [Permission.from_json(p) for p in data.get("permissions", [])]
        return cls(**fields)

    def add_revision(self, user: str, at: str) -> None:
        """Record that ``user`` changed the content at ``at``."""
        last = self.revisions[-1] if self.revisions else None
        if last is not None and last["user"].lower() == user.lower():
            last["modifiedTime"] = at
            return
        number = int(last["id"]) + 1 if last is not None else 1
        self.revisions.append({"id": str(number), "modifiedTime": at, "user": user})

    def role_of(self, email: str) -> str | None:
        """The best role ``email`` holds on this file, or None."""
        email = email.lower()
        domain = email.rsplit("@", 1)[-1]
        best: str | None = None
        for perm in self.permissions:
            match = (
                (perm.type == "user" and perm.email_address.lower() == email)
                or (perm.type == "domain" and perm.domain.lower() == domain)
                or perm.type == "anyone"
            )
            if match and (best is None or ROLE_RANK[perm.role] > ROLE_RANK[best]):
                best = perm.role
        return best


ChangeWatcher = Callable[[Change], None]
S = TypeVar("S", bound=Section)


class EmulatorState:
    """Everything the emulator knows. ``data_dir=None`` keeps it in memory only."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.data_dir = data_dir
        self.clock = EmulatorClock()
        self.files: dict[str, DriveFile] = {}
        self._watchers: list[ChangeWatcher] = []
        self._touch_listeners: list[Callable[[], None]] = []
        self._closers: list[Callable[[], None]] = []
        self._resetters: list[Callable[[], None]] = []
        # Sections read from disk before the extension that owns them asked for them.
        self._loaded_sections: dict[str, Any] = {}
        # Extensions (users and tokens, OIDC keys, channels, faults, counters) hang
        # their own state here under a name, so this class stays small.
        self.extensions: dict[str, Any] = {}

    # -- change feed -------------------------------------------------------------
    def watch(self, watcher: ChangeWatcher) -> None:
        """Call ``watcher(change)`` after every change, removals and trashing included."""
        self._watchers.append(watcher)

    def changed(
        self,
        file: DriveFile,
        user: str,
        *,
        what: tuple[str, ...] = (CONTENT,),
        kind: str = "update",
    ) -> None:
        """Record that ``user`` changed ``file`` (content or metadata)."""
        with self.lock:
            file.version += 1
            if what != (PERMISSIONS,):
                # Sharing does not count as modifying the file in Drive.
                file.modified_time = self.clock.rfc3339()
                file.last_modifying_user = user
            if CONTENT in what:
                file.add_revision(user, file.modified_time)
            self._emit(Change(file, user, kind, what))

    def _emit(self, change: Change) -> None:
        for watcher in list(self._watchers):
            watcher(change)

    # -- extensions ----------------------------------------------------------------
    def section(self, name: str, factory: Callable[[], S]) -> S:
        """The extension state named ``name``, made (and loaded from disk) on first use."""
        with self.lock:
            existing = self.extensions.get(name)
            if existing is None:
                existing = factory()
                if name in self._loaded_sections:
                    existing.load_json(self._loaded_sections.pop(name))
                self.extensions[name] = existing
            section: S = existing
            return section

    def sections(self) -> dict[str, Section]:
        """The extensions that persist (those with ``to_json`` and ``load_json``)."""
        with self.lock:
            return {
                name: ext
                for name, ext in self.extensions.items()
                if hasattr(ext, "to_json") and hasattr(ext, "load_json")
            }

    def sections_json(self) -> dict[str, Any]:
        """Every section as saved: the extensions' state, and what was loaded for an
        extension not used since (kept as it was, never dropped)."""
        with self.lock:
            saved = dict(self._loaded_sections)
            saved.update({name: s.to_json() for name, s in self.sections().items()})
            return saved

    def load_sections(self, data: dict[str, Any]) -> None:
        """Hand saved extension state to the extensions, now or when they are made."""
        with self.lock:
            for name, value in data.items():
                ext = self.extensions.get(name)
                if ext is not None and hasattr(ext, "load_json"):
                    ext.load_json(value)
                else:
                    self._loaded_sections[name] = value

    def touch(self) -> None:
        """Tell the persistence that some extension state changed."""
        for listener in list(self._touch_listeners):
            listener()

    def on_touch(self, listener: Callable[[], None]) -> None:
        self._touch_listeners.append(listener)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the emulator stops (last one registered runs first)."""
        self._closers.append(closer)

    def on_reset(self, resetter: Callable[[], None]) -> None:
        self._resetters.append(resetter)

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()

    def reset(self) -> None:
        """Forget every file and all extension state that registered a reset."""
        with self.lock:
            self.files.clear()
            self.clock.reset()
            for resetter in list(self._resetters):
                resetter()

    # -- files -------------------------------------------------------------------
    def add_file(self, file: DriveFile) -> DriveFile:
        with self.lock:
            file.created_time = file.created_time or self.clock.rfc3339()
            file.modified_time = file.modified_time or file.created_time
            if not any(p.role == "owner" for p in file.permissions):
                file.permissions.insert(
                    0,
                    Permission(
                        id=permission_id_for(file.owner),
                        type="user",
                        role="owner",
                        email_address=file.owner,
                    ),
                )
            self.files[file.id] = file
            self.changed(file, file.owner)
            return file

    def remove_file(self, file_id: str, user: str = DEFAULT_USER) -> None:
        with self.lock:
            file = self.files.pop(file_id, None)
            if file is not None:
                self._emit(Change(file, user, "remove", ()))

    def authorize(self, file_id: str, user: str, need: str, *, drive: bool = False) -> DriveFile:
        """The file, if ``user`` holds at least role ``need`` on it; else Google's error.

        Sheets answers 404 for a spreadsheet that does not exist and 403 for one the
        caller cannot open (or cannot edit). Drive answers 404 "File not found" in both
        of the first cases, and 403 when the caller can see the file but not edit it.
        """
        file = self.files.get(file_id)
        role = file.role_of(user) if file is not None and not file.trashed else None
        if file is None or file.trashed or role is None:
            if drive:
                raise GoogleApiError(
                    404,
                    f"File not found: {file_id}.",
                    reason="notFound",
                    location="fileId",
                    drive=True,
                )
            if file is None or file.trashed:
                raise GoogleApiError(404, "Requested entity was not found.")
            raise GoogleApiError(403, "The caller does not have permission")
        if ROLE_RANK[role] < ROLE_RANK[need]:
            if drive:
                raise GoogleApiError(
                    403,
                    "The user does not have sufficient permissions for this file.",
                    reason="insufficientFilePermissions",
                    drive=True,
                )
            raise GoogleApiError(403, "The caller does not have permission")
        return file


def permission_id_for(email: str) -> str:
    """A stable numeric permission id per email, as Drive gives one per account."""
    digest = 0
    for ch in email.lower():
        digest = (digest * 131 + ord(ch)) % 10**20
    return f"{digest:020d}"
