"""Drive v3 revisions through google-api-python-client: who changed a spreadsheet."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    assert_matches_drive_schema,
    close_clients,  # noqa: F401
    drive_for,
    new_spreadsheet,
    sheets_for,
    unique_email,
)

FIELDS = "nextPageToken,revisions(id,modifiedTime,lastModifyingUser(emailAddress))"


def write(url: str, email: str, spreadsheet_id: str, value: str) -> None:
    sheets_for(url, email).spreadsheets().values().update(
        spreadsheetId=spreadsheet_id,
        range="A1",
        valueInputOption="USER_ENTERED",
        body={"values": [[value]]},
    ).execute()


def editors(drive: Any, file_id: str, **params: Any) -> list[str]:
    reply = drive.revisions().list(fileId=file_id, fields=FIELDS, **params).execute()
    return [r["lastModifyingUser"]["emailAddress"] for r in reply["revisions"]]


def test_each_persons_run_of_edits_is_one_revision_naming_them(emulator: Any) -> None:
    owner, buyer = unique_email("seller"), unique_email("buyer")
    drive = drive_for(emulator.url, owner)
    file_id = new_spreadsheet(drive)["id"]
    body = {"type": "user", "role": "writer", "emailAddress": buyer}
    drive.permissions().create(fileId=file_id, body=body, sendNotificationEmail=False).execute()
    write(emulator.url, buyer, file_id, "one")
    write(emulator.url, buyer, file_id, "two")
    write(emulator.url, owner, file_id, "three")

    assert editors(drive, file_id) == [owner, buyer, owner]
    reply = drive.revisions().list(fileId=file_id).execute()
    assert set(reply) == {"kind", "revisions"}
    assert set(reply["revisions"][0]) == {"kind", "id", "mimeType", "modifiedTime"}
    assert_matches_drive_schema(reply, "RevisionList")
    first = drive.revisions().list(fileId=file_id, fields=FIELDS, pageSize=2).execute()
    rest = (
        drive.revisions()
        .list(fileId=file_id, fields=FIELDS, pageSize=2, pageToken=first["nextPageToken"])
        .execute()
    )
    assert len(first["revisions"]) == 2
    assert [r["id"] for r in rest["revisions"]] == ["3"]


def test_only_editors_may_read_revisions(emulator: Any) -> None:
    owner, reader = unique_email("seller"), unique_email("reader")
    drive = drive_for(emulator.url, owner)
    file_id = new_spreadsheet(drive)["id"]
    body = {"type": "user", "role": "reader", "emailAddress": reader}
    drive.permissions().create(fileId=file_id, body=body, sendNotificationEmail=False).execute()
    with pytest.raises(HttpError) as caught:
        drive_for(emulator.url, reader).revisions().list(fileId=file_id).execute()
    assert caught.value.resp.status == 403
