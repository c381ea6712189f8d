"""Who the emulator thinks is calling: minted tokens, unknown tokens, no token."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from google.auth.exceptions import RefreshError

from emulator.tests.infra_clients import (
    access_token,
    close_clients,  # noqa: F401
    drive_for,
    new_spreadsheet,
    unique_email,
)


def test_a_minted_token_acts_as_its_user(emulator: Any) -> None:
    email = unique_email("seller")
    drive = drive_for(emulator.url, email)

    created = new_spreadsheet(drive)

    got = drive.files().get(fileId=created["id"], fields="owners(emailAddress)").execute()
    assert got["owners"][0]["emailAddress"] == email


def test_a_token_the_emulator_did_not_mint_acts_as_the_default_user(emulator: Any) -> None:
    drive = drive_for(emulator.url, token="<ACCESS_TOKEN>")

    created = new_spreadsheet(drive)

    got = drive.files().get(fileId=created["id"], fields="owners(emailAddress)").execute()
    assert got["owners"][0]["emailAddress"] == "local.user@example.com"


def test_no_authorization_header_is_drives_401(emulator: Any) -> None:
    response = requests.get(f"{emulator.url}/drive/v3/files", timeout=10)

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"][0]["location"] == "Authorization"
    assert error["message"].startswith("Request is missing required authentication credential.")


def test_no_authorization_header_is_sheets_401_unauthenticated(emulator: Any) -> None:
    response = requests.get(f"{emulator.url}/v4/spreadsheets/anything", timeout=10)

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert "errors" not in error


def test_an_expired_minted_token_is_a_401_not_the_default_user(emulator: Any) -> None:
    token = access_token(emulator.url, unique_email("late"), expires_in=-10)

    response = requests.get(
        f"{emulator.url}/drive/v3/files",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )

    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith(
        "Request had invalid authentication credentials."
    )


def test_google_auth_user_credentials_try_to_refresh_on_a_401(emulator: Any) -> None:
    token = access_token(emulator.url, unique_email("late"), expires_in=-10)
    drive = drive_for(emulator.url, token=token)

    # As against Google: a 401 makes the client try to refresh, which these
    # credentials (an access token alone) cannot do.
    with pytest.raises(RefreshError):
        drive.files().list().execute()


def test_control_and_sign_in_endpoints_need_no_token(emulator: Any) -> None:
    for path in ("/__emulator/health", "/oauth2/v1/certs", "/.well-known/openid-configuration"):
        assert requests.get(emulator.url + path, timeout=10).status_code == 200
