"""The backend's service-account path, unchanged, against the emulator's token endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.oauth2 import id_token
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    control,
    drive_for,
    id_token_credentials,
    new_spreadsheet,
    service_account_credentials,
    unique_email,
)

SCOPES = ["https://www.googleapis.com/auth/drive"]


@pytest.fixture
def key_file(emulator: Any) -> dict[str, Any]:
    email = f"backend-{unique_email().split('@')[0].split('.')[1]}@proj.iam.gserviceaccount.com"
    info: dict[str, Any] = control(
        emulator.url, "POST", "oidc/service-account", json={"email": email}
    )
    return info


@pytest.fixture
def transport() -> Iterator[google.auth.transport.requests.Request]:
    session = requests.Session()
    yield google.auth.transport.requests.Request(session)
    session.close()


def test_the_key_file_is_in_googles_format_and_points_at_the_emulator(
    emulator: Any, key_file: dict[str, Any]
) -> None:
    assert key_file["type"] == "service_account"
    assert key_file["token_uri"] == f"{emulator.url}/token"
    assert key_file["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert key_file["client_email"].endswith(".iam.gserviceaccount.com")


def test_service_account_credentials_get_a_token_from_the_emulator(
    key_file: dict[str, Any], transport: Any
) -> None:
    credentials = service_account_credentials(key_file, scopes=SCOPES)

    credentials.refresh(transport)

    assert credentials.token.startswith("ya29.")
    assert credentials.valid


def test_the_backend_acts_as_its_service_account_on_files_shared_with_it(
    emulator: Any, key_file: dict[str, Any]
) -> None:
    seller = drive_for(emulator.url, unique_email("seller"))
    plan = new_spreadsheet(seller, "Shared with the backend")
    seller.permissions().create(
        fileId=plan["id"],
        body={"type": "user", "role": "writer", "emailAddress": key_file["client_email"]},
        sendNotificationEmail=False,
    ).execute()
    credentials = service_account_credentials(key_file, scopes=SCOPES)

    with build(
        "drive",
        "v3",
        credentials=credentials,
        client_options={"api_endpoint": f"{emulator.url}/drive/v3/"},
        static_discovery=True,
    ) as drive:
        listed = drive.files().list(fields="files(id)").execute()
        got = drive.files().get(fileId=plan["id"], fields="capabilities(canEdit)").execute()

    assert [f["id"] for f in listed["files"]] == [plan["id"]]
    assert got["capabilities"]["canEdit"] is True


def test_a_self_signed_jwt_stands_for_its_service_account(
    emulator: Any, key_file: dict[str, Any]
) -> None:
    credentials = service_account_credentials(key_file, scopes=SCOPES, always_use_jwt_access=True)

    with build(
        "drive",
        "v3",
        credentials=credentials,
        client_options={"api_endpoint": f"{emulator.url}/drive/v3/"},
        static_discovery=True,
    ) as drive:
        created = drive.files().create(body={"name": "x", "mimeType": "text/plain"})
        # The service account is recognised: it has no Drive storage of its own.
        with pytest.raises(HttpError, match="storage quota"):
            created.execute()


def test_an_id_token_for_a_target_audience_verifies_against_the_emulator(
    emulator: Any, key_file: dict[str, Any], transport: Any
) -> None:
    credentials = id_token_credentials(key_file, "https://backend.example/tasks")

    credentials.refresh(transport)
    claims = id_token.verify_token(
        credentials.token,
        transport,
        audience="https://backend.example/tasks",
        certs_url=f"{emulator.url}/oauth2/v1/certs",
    )

    assert claims["email"] == key_file["client_email"]


def test_a_key_the_emulator_did_not_issue_is_refused(
    key_file: dict[str, Any], transport: Any
) -> None:
    from emulator.signing import SigningKey

    forged = dict(key_file, private_key=SigningKey.generate().private_pem)
    credentials = service_account_credentials(forged, scopes=SCOPES)

    with pytest.raises(RefreshError, match="invalid_grant"):
        credentials.refresh(transport)
