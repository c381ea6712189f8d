"""Who may see and change a Drive file, with Drive's answers: 404 ``File not found``
to a caller with no access, 403 ``insufficientFilePermissions`` to one whose role is
too low, and 403 ``storageQuotaExceeded`` to a service account that would own a file."""

from __future__ import annotations

from emulator.errors import GoogleApiError, drive_error
from emulator.state import ROLE_RANK, DriveFile, EmulatorState


def visible_file(state: EmulatorState, file_id: str, user: str) -> DriveFile:
    """The file if the caller can see it (trashed files included, as in Drive)."""
    file = state.files.get(file_id)
    if file is None or file.role_of(user) is None:
        raise drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")
    return file


def require_role(file: DriveFile, user: str, need: str) -> None:
    """Drive's 403 unless ``user`` holds at least role ``need`` on ``file``."""
    role = file.role_of(user)
    if role is None or ROLE_RANK[role] < ROLE_RANK[need]:
        raise drive_error(
            403,
            "The user does not have sufficient permissions for this file.",
            "insufficientFilePermissions",
        )


def no_storage_quota() -> GoogleApiError:
    """Service accounts have no Drive storage: they cannot own new files."""
    return drive_error(
        403,
        "Service Accounts do not have storage quota. Leverage shared drives "
        "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
        "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.",
        "storageQuotaExceeded",
        domain="usageLimits",
    )
