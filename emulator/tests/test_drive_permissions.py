"""Drive v3 sharing through google-api-python-client: who can see and do what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    assert_matches_drive_schema,
    close_clients,  # noqa: F401
    control,
    drive_for,
    new_spreadsheet,
    unique_email,
)


@pytest.fixture
def seller(emulator: Any) -> Any:
    return drive_for(emulator.url, unique_email("seller", "vendor.com"))


@pytest.fixture
def plan(seller: Any) -> dict[str, Any]:
    return new_spreadsheet(seller, "Acme MAP")


def reason_of(exc: HttpError) -> str:
    reason: str = json.loads(exc.content)["error"]["errors"][0]["reason"]
    return reason


def share(drive: Any, file_id: str, **body: Any) -> dict[str, Any]:
    params = {k: body.pop(k) for k in ("sendNotificationEmail", "emailMessage") if k in body}
    created: dict[str, Any] = (
        drive.permissions().create(fileId=file_id, body=body, **params).execute()
    )
    return created


def test_sharing_with_a_buyer_records_the_invitation_and_its_message(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    buyer = unique_email("buyer", "acme.com")

    created = share(
        seller,
        plan["id"],
        type="user",
        role="writer",
        emailAddress=buyer,
        emailMessage="Here is our close plan.",
    )

    assert created["kind"] == "drive#permission"
    assert created["type"] == "user"
    assert created["role"] == "writer"
    assert created["emailAddress"] == buyer
    assert_matches_drive_schema(created, "Permission")
    mails = control(emulator.url, "GET", "notifications", params={"to": buyer})["notifications"]
    assert len(mails) == 1
    assert mails[0]["file_id"] == plan["id"]
    assert mails[0]["file_name"] == "Acme MAP"
    assert mails[0]["role"] == "writer"
    assert mails[0]["message"] == "Here is our close plan."


def test_sharing_without_a_notification_sends_no_invitation(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    buyer = unique_email("quiet", "acme.com")

    share(
        seller,
        plan["id"],
        type="user",
        role="reader",
        emailAddress=buyer,
        sendNotificationEmail=False,
    )

    mails = control(emulator.url, "GET", "notifications", params={"to": buyer})["notifications"]
    assert mails == []


def test_a_stranger_gets_404_until_the_file_is_shared_with_them(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    email = unique_email("buyer", "acme.com")
    buyer = drive_for(emulator.url, email)
    with pytest.raises(HttpError) as caught:
        buyer.files().get(fileId=plan["id"]).execute()
    assert caught.value.status_code == 404

    share(
        seller,
        plan["id"],
        type="user",
        role="reader",
        emailAddress=email,
        sendNotificationEmail=False,
    )

    assert buyer.files().get(fileId=plan["id"]).execute()["id"] == plan["id"]
    listed = buyer.files().list(q="sharedWithMe").execute()
    assert [f["id"] for f in listed["files"]] == [plan["id"]]


def test_a_reader_cannot_rename_or_share(emulator: Any, seller: Any, plan: dict[str, Any]) -> None:
    email = unique_email("reader", "acme.com")
    share(
        seller,
        plan["id"],
        type="user",
        role="reader",
        emailAddress=email,
        sendNotificationEmail=False,
    )
    reader = drive_for(emulator.url, email)

    with pytest.raises(HttpError) as renamed:
        reader.files().update(fileId=plan["id"], body={"name": "Mine"}).execute()
    with pytest.raises(HttpError) as shared:
        share(reader, plan["id"], type="anyone", role="reader")

    assert renamed.value.status_code == 403
    assert reason_of(renamed.value) == "insufficientFilePermissions"
    assert shared.value.status_code == 403


def test_a_reader_does_not_see_who_else_has_access(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    email = unique_email("reader", "acme.com")
    share(
        seller,
        plan["id"],
        type="user",
        role="reader",
        emailAddress=email,
        sendNotificationEmail=False,
    )

    seen = drive_for(emulator.url, email).files().get(fileId=plan["id"], fields="*").execute()

    assert "permissions" not in seen
    assert seen["capabilities"]["canEdit"] is False


def test_a_domain_permission_lets_everyone_in_that_domain_in(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    share(
        seller,
        plan["id"],
        type="domain",
        role="writer",
        domain="acme.com",
        sendNotificationEmail=False,
    )

    colleague = drive_for(emulator.url, unique_email("anyone", "acme.com"))
    outsider = drive_for(emulator.url, unique_email("someone", "other.com"))

    renamed = colleague.files().update(fileId=plan["id"], body={"name": "Ours"}).execute()
    assert renamed["name"] == "Ours"
    with pytest.raises(HttpError) as caught:
        outsider.files().get(fileId=plan["id"]).execute()
    assert caught.value.status_code == 404


def test_an_anyone_with_the_link_permission_lets_anyone_read(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    created = share(seller, plan["id"], type="anyone", role="reader", sendNotificationEmail=False)

    assert created["id"] == "anyoneWithLink"
    stranger = drive_for(emulator.url, unique_email("stranger", "elsewhere.org"))
    assert stranger.files().get(fileId=plan["id"]).execute()["id"] == plan["id"]


def test_permissions_can_be_listed_read_and_deleted(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    email = unique_email("buyer", "acme.com")
    created = share(
        seller,
        plan["id"],
        type="user",
        role="commenter",
        emailAddress=email,
        sendNotificationEmail=False,
    )

    listed = seller.permissions().list(fileId=plan["id"]).execute()
    got = (
        seller.permissions()
        .get(fileId=plan["id"], permissionId=created["id"], fields="id,role,emailAddress")
        .execute()
    )
    seller.permissions().delete(fileId=plan["id"], permissionId=created["id"]).execute()

    assert listed["kind"] == "drive#permissionList"
    assert {p["role"] for p in listed["permissions"]} == {"owner", "commenter"}
    assert_matches_drive_schema(listed, "PermissionList")
    assert got == {"id": created["id"], "role": "commenter", "emailAddress": email}
    with pytest.raises(HttpError) as caught:
        drive_for(emulator.url, email).files().get(fileId=plan["id"]).execute()
    assert caught.value.status_code == 404


def test_a_missing_permission_is_drives_404(seller: Any, plan: dict[str, Any]) -> None:
    with pytest.raises(HttpError) as caught:
        seller.permissions().get(fileId=plan["id"], permissionId="nobody").execute()

    assert caught.value.status_code == 404
    assert json.loads(caught.value.content)["error"]["message"] == "Permission not found: nobody."


def test_the_owner_cannot_be_removed(seller: Any, plan: dict[str, Any]) -> None:
    owner_id = seller.permissions().list(fileId=plan["id"]).execute()["permissions"][0]["id"]

    with pytest.raises(HttpError) as caught:
        seller.permissions().delete(fileId=plan["id"], permissionId=owner_id).execute()

    assert caught.value.status_code == 403


def test_a_permission_without_a_type_is_a_400(seller: Any, plan: dict[str, Any]) -> None:
    with pytest.raises(HttpError) as caught:
        share(seller, plan["id"], role="reader", emailAddress="x@acme.com")

    assert caught.value.status_code == 400


def test_sharing_with_the_backend_service_account_lets_it_edit(
    emulator: Any, seller: Any, plan: dict[str, Any]
) -> None:
    robot_email = "map-backend@emulator-project.iam.gserviceaccount.com"
    share(
        seller,
        plan["id"],
        type="user",
        role="writer",
        emailAddress=robot_email,
        sendNotificationEmail=False,
    )

    robot = drive_for(emulator.url, robot_email)
    renamed = robot.files().update(fileId=plan["id"], body={"name": "Synced"}).execute()

    assert renamed["name"] == "Synced"
