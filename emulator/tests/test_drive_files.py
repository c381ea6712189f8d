"""Drive v3 files through google-api-python-client against the running emulator."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    FOLDER,
    SPREADSHEET,
    assert_matches_drive_schema,
    close_clients,  # noqa: F401
    drive_for,
    new_spreadsheet,
    sheets_for,
    unique_email,
)

DETAIL_FIELDS = (
    "id,name,mimeType,createdTime,modifiedTime,version,owners,permissions,"
    "lastModifyingUser,webViewLink"
)


@pytest.fixture
def owner() -> str:
    return unique_email("seller")


@pytest.fixture
def drive(emulator: Any, owner: str) -> Any:
    return drive_for(emulator.url, owner)


def error_of(exc: HttpError) -> dict[str, Any]:
    import json

    body: dict[str, Any] = json.loads(exc.content)["error"]
    return body


def test_creating_a_spreadsheet_answers_the_fields_google_answers_by_default(drive: Any) -> None:
    created = (
        drive.files()
        .create(body={"name": "Acme MAP", "mimeType": SPREADSHEET}, supportsAllDrives=True)
        .execute()
    )

    assert set(created) == {"kind", "id", "name", "mimeType"}
    assert created["kind"] == "drive#file"
    assert created["name"] == "Acme MAP"
    assert created["mimeType"] == SPREADSHEET
    assert len(created["id"]) == 44
    assert_matches_drive_schema(created, "File")


def test_creating_a_spreadsheet_makes_a_sheets_model_with_the_same_title(
    emulator: Any, drive: Any
) -> None:
    created = new_spreadsheet(drive, "Globex MAP")

    model = emulator.state.files[created["id"]].spreadsheet
    assert model is not None
    assert model.title == "Globex MAP"


def test_get_answers_the_detail_fields_the_backend_asks_for(drive: Any, owner: str) -> None:
    created = new_spreadsheet(drive)

    got = drive.files().get(fileId=created["id"], fields=DETAIL_FIELDS).execute()

    assert set(got) == set(DETAIL_FIELDS.split(","))
    assert got["owners"][0]["emailAddress"] == owner
    assert got["owners"][0]["me"] is True
    assert got["lastModifyingUser"]["emailAddress"] == owner
    assert got["permissions"][0]["role"] == "owner"
    assert got["webViewLink"].startswith("https://docs.google.com/spreadsheets/d/" + created["id"])
    assert int(got["version"]) >= 1
    assert got["createdTime"].endswith("Z")
    assert_matches_drive_schema(got, "File")


def test_every_field_of_a_file_is_a_field_of_drives_file_schema(drive: Any) -> None:
    created = new_spreadsheet(drive)

    everything = drive.files().get(fileId=created["id"], fields="*").execute()

    assert_matches_drive_schema(everything, "File")
    assert "exportLinks" in everything


def test_nested_field_selections_cut_the_response_down(drive: Any) -> None:
    created = new_spreadsheet(drive)

    got = drive.files().get(fileId=created["id"], fields="id,owners(emailAddress)").execute()

    assert set(got) == {"id", "owners"}
    assert set(got["owners"][0]) == {"emailAddress"}


def test_an_unknown_field_selection_is_drives_400(drive: Any) -> None:
    created = new_spreadsheet(drive)

    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId=created["id"], fields="id,colour").execute()

    assert caught.value.status_code == 400
    assert error_of(caught.value)["errors"][0]["reason"] == "invalidParameter"


def test_a_missing_file_is_drives_404_with_an_errors_list(drive: Any) -> None:
    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId="1NoSuchFile").execute()

    assert caught.value.status_code == 404
    error = error_of(caught.value)
    assert error["message"] == "File not found: 1NoSuchFile."
    assert error["errors"] == [
        {
            "message": "File not found: 1NoSuchFile.",
            "domain": "global",
            "reason": "notFound",
            "location": "fileId",
            "locationType": "parameter",
        }
    ]


def test_list_finds_files_by_name_mime_type_and_trashed(drive: Any) -> None:
    tag = unique_email("tag").split("@")[0]
    plan = new_spreadsheet(drive, f"{tag} plan")
    folder = drive.files().create(body={"name": f"{tag} folder", "mimeType": FOLDER}).execute()
    old = new_spreadsheet(drive, f"{tag} old plan")
    drive.files().update(fileId=old["id"], body={"trashed": True}).execute()

    def names(q: str) -> set[str]:
        listed = drive.files().list(q=q, fields="files(id,name)").execute()
        return {f["name"] for f in listed["files"]}

    assert names(f"name contains '{tag}'") == {f"{tag} plan", f"{tag} folder", f"{tag} old plan"}
    assert names(f"name contains '{tag}' and trashed = false") == {f"{tag} plan", f"{tag} folder"}
    assert names(f"name = '{tag} plan'") == {plan["name"]}
    assert names(f"mimeType = '{FOLDER}' and name contains '{tag}'") == {folder["name"]}
    assert names(f'mimeType="{SPREADSHEET}" and name contains "{tag}" and not trashed = true') == {
        f"{tag} plan"
    }
    assert names(f"(name = '{tag} plan' or name = '{tag} folder') and trashed = false") == {
        f"{tag} plan",
        f"{tag} folder",
    }


def test_list_finds_the_files_in_a_folder(drive: Any) -> None:
    folder = drive.files().create(body={"name": "Deals", "mimeType": FOLDER}).execute()
    inside = (
        drive.files()
        .create(body={"name": "Inside", "mimeType": SPREADSHEET, "parents": [folder["id"]]})
        .execute()
    )
    new_spreadsheet(drive, "Outside")

    listed = drive.files().list(q=f"'{folder['id']}' in parents").execute()

    assert [f["id"] for f in listed["files"]] == [inside["id"]]
    in_root = drive.files().list(q="'root' in parents and name = 'Outside'").execute()
    assert len(in_root["files"]) == 1


def test_list_answers_the_recorded_default_shape(drive: Any) -> None:
    new_spreadsheet(drive)

    listed = (
        drive.files()
        .list(
            q=f'mimeType="{SPREADSHEET}"',
            pageSize=1000,
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
        )
        .execute()
    )

    assert listed["kind"] == "drive#fileList"
    assert listed["incompleteSearch"] is False
    assert set(listed["files"][0]) == {"kind", "id", "name", "mimeType"}
    assert_matches_drive_schema(listed, "FileList")


def test_list_pages_through_everything_with_page_tokens(emulator: Any) -> None:
    drive = drive_for(emulator.url, unique_email("pager"))
    made = {new_spreadsheet(drive)["id"] for _ in range(5)}

    seen: list[str] = []
    request = drive.files().list(pageSize=2, fields="nextPageToken,files(id)")
    while request is not None:
        page = request.execute()
        assert len(page["files"]) <= 2
        seen.extend(f["id"] for f in page["files"])
        request = drive.files().list_next(request, page)

    assert sorted(seen) == sorted(made)


def test_list_orders_by_name(emulator: Any) -> None:
    drive = drive_for(emulator.url, unique_email("sorter"))
    for name in ("beta", "alpha", "gamma"):
        new_spreadsheet(drive, name)

    listed = drive.files().list(orderBy="name", fields="files(name)").execute()

    assert [f["name"] for f in listed["files"]] == ["alpha", "beta", "gamma"]


def test_a_bad_query_is_drives_400_invalid_value(drive: Any) -> None:
    with pytest.raises(HttpError) as caught:
        drive.files().list(q="name ~ 'x'").execute()

    assert caught.value.status_code == 400
    assert error_of(caught.value)["errors"][0]["location"] == "q"


def test_renaming_a_spreadsheet_renames_its_sheets_title(emulator: Any, drive: Any) -> None:
    created = new_spreadsheet(drive, "Before")

    updated = drive.files().update(fileId=created["id"], body={"name": "After"}).execute()

    assert updated["name"] == "After"
    assert emulator.state.files[created["id"]].spreadsheet.title == "After"


def test_an_update_bumps_the_version_and_modified_time(drive: Any) -> None:
    created = new_spreadsheet(drive)
    before = drive.files().get(fileId=created["id"], fields="version,modifiedTime").execute()

    drive.files().update(fileId=created["id"], body={"name": "Renamed"}).execute()

    after = drive.files().get(fileId=created["id"], fields="version,modifiedTime").execute()
    assert int(after["version"]) > int(before["version"])
    assert after["modifiedTime"] >= before["modifiedTime"]


def test_copy_makes_an_independent_deep_copy_named_copy_of(emulator: Any, drive: Any) -> None:
    created = new_spreadsheet(drive, "Template")

    copied = drive.files().copy(fileId=created["id"], body={}, supportsAllDrives=True).execute()

    assert copied["name"] == "Copy of Template"
    assert copied["id"] != created["id"]
    original = emulator.state.files[created["id"]].spreadsheet
    twin = emulator.state.files[copied["id"]].spreadsheet
    assert twin is not original
    assert twin.title == "Copy of Template"
    twin.sheets[0].properties["title"] = "Changed in the copy"
    assert original.sheets[0].properties["title"] != "Changed in the copy"


def test_copy_takes_the_name_asked_for(drive: Any) -> None:
    created = new_spreadsheet(drive, "Template")

    copied = drive.files().copy(fileId=created["id"], body={"name": "Acme MAP"}).execute()

    assert copied["name"] == "Acme MAP"


def test_delete_answers_204_and_the_file_is_gone(emulator: Any, drive: Any) -> None:
    created = new_spreadsheet(drive)

    response = requests.delete(
        f"{emulator.url}/drive/v3/files/{created['id']}",
        params={"supportsAllDrives": "True"},
        headers={"Authorization": f"Bearer {drive._http.credentials.token}"},
        timeout=10,
    )

    assert response.status_code == 204
    assert response.content == b""
    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId=created["id"]).execute()
    assert caught.value.status_code == 404


def test_export_writes_the_first_sheet_as_csv(emulator: Any, owner: str, drive: Any) -> None:
    created = new_spreadsheet(drive)
    sheets = sheets_for(emulator.url, owner)
    sheets.spreadsheets().values().update(
        spreadsheetId=created["id"],
        range="A1",
        valueInputOption="USER_ENTERED",
        body={"values": [["a1", '=UPPER("b2")'], ["", "", "3.5"]]},
    ).execute()

    exported = drive.files().export(fileId=created["id"], mimeType="text/csv").execute()

    assert exported == b"a1,B2,\r\n,,3.5"


def test_export_to_an_unsupported_type_is_a_400(drive: Any) -> None:
    created = new_spreadsheet(drive)

    with pytest.raises(HttpError) as caught:
        drive.files().export(fileId=created["id"], mimeType="image/png").execute()

    assert caught.value.status_code == 400


def test_a_service_account_cannot_own_new_files(emulator: Any) -> None:
    robot = drive_for(emulator.url, "robot@project.iam.gserviceaccount.com")

    with pytest.raises(HttpError) as caught:
        new_spreadsheet(robot)

    assert caught.value.status_code == 403
    assert error_of(caught.value)["errors"][0]["reason"] == "storageQuotaExceeded"


def test_only_the_owner_can_trash_or_delete(emulator: Any, drive: Any) -> None:
    created = new_spreadsheet(drive)
    editor = unique_email("editor")
    drive.permissions().create(
        fileId=created["id"],
        body={"type": "user", "role": "writer", "emailAddress": editor},
        sendNotificationEmail=False,
    ).execute()
    as_editor = drive_for(emulator.url, editor)

    for call in (
        as_editor.files().update(fileId=created["id"], body={"trashed": True}),
        as_editor.files().delete(fileId=created["id"]),
    ):
        with pytest.raises(HttpError) as caught:
            call.execute()
        assert caught.value.status_code == 403
        assert error_of(caught.value)["errors"][0]["reason"] == "insufficientFilePermissions"
