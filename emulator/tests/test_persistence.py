"""State kept in a data directory: a restart on the same directory loses nothing."""

from __future__ import annotations

import json
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.oauth2 import id_token

from emulator import persistence
from emulator.server import EmulatorServer
from emulator.testing import wait_for
from emulator.tests.infra_clients import (
    access_token,
    close_clients,  # noqa: F401
    control,
    drive_for,
    new_spreadsheet,
    service_account_credentials,
    sheets_for,
)
from emulator.tests.push_receiver import Receiver

SELLER = "seller@vendor.com"
BUYER = "buyer@acme.com"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "emulator-data"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def started(data_dir: Path) -> EmulatorServer:
    return EmulatorServer(data_dir=data_dir).start()


def test_a_restart_on_the_same_directory_keeps_files_sharing_and_tokens(data_dir: Path) -> None:
    first = started(data_dir)
    try:
        token = access_token(first.url, SELLER)
        drive = drive_for(first.url, token=token)
        plan = new_spreadsheet(drive, "Acme MAP")
        drive.permissions().create(
            fileId=plan["id"],
            body={"type": "user", "role": "writer", "emailAddress": BUYER},
            emailMessage="Our plan",
        ).execute()
        drive.close()
        sheets = sheets_for(first.url, SELLER)
        sheets.spreadsheets().values().update(
            spreadsheetId=plan["id"],
            range="B2",
            valueInputOption="RAW",
            body={"values": [["kept"]]},
        ).execute()
        sheets.close()
    finally:
        first.stop()

    second = started(data_dir)
    try:
        # The token minted before the restart still stands for the seller.
        drive = drive_for(second.url, token=token)
        got = drive.files().get(fileId=plan["id"], fields="name,owners,permissions").execute()
        mails = control(second.url, "GET", "notifications", params={"to": BUYER})
        title = second.state.files[plan["id"]].spreadsheet.title
        cell = (
            sheets_for(second.url, SELLER)
            .spreadsheets()
            .values()
            .get(spreadsheetId=plan["id"], range="B2")
            .execute()
        )
    finally:
        second.stop()

    assert got["name"] == "Acme MAP"
    assert title == "Acme MAP"
    assert cell["values"] == [["kept"]]
    assert got["owners"][0]["emailAddress"] == SELLER
    assert {(p["role"], p.get("emailAddress")) for p in got["permissions"]} == {
        ("owner", SELLER),
        ("writer", BUYER),
    }
    assert [m["message"] for m in mails["notifications"]] == ["Our plan"]


def test_an_id_token_minted_before_a_restart_verifies_after_it(data_dir: Path) -> None:
    first = started(data_dir)
    try:
        minted = control(
            first.url, "POST", "oidc/id-token", json={"email": SELLER, "audience": "client-1"}
        )
    finally:
        first.stop()

    second = started(data_dir)
    session = requests.Session()
    try:
        claims = id_token.verify_token(
            minted["id_token"],
            google.auth.transport.requests.Request(session),
            audience="client-1",
            certs_url=f"{second.url}/oauth2/v1/certs",
        )
    finally:
        session.close()
        second.stop()

    assert claims["email"] == SELLER


def test_a_service_account_key_issued_before_a_restart_still_gets_tokens(data_dir: Path) -> None:
    first = started(data_dir)
    try:
        key_file = control(first.url, "POST", "oidc/service-account", json={})
    finally:
        first.stop()

    second = started(data_dir)
    session = requests.Session()
    try:
        # The key file names the old port; point it at the restarted emulator.
        key_file["token_uri"] = f"{second.url}/token"
        credentials = service_account_credentials(
            key_file, scopes=["https://www.googleapis.com/auth/drive"]
        )
        credentials.refresh(google.auth.transport.requests.Request(session))
    finally:
        session.close()
        second.stop()

    assert credentials.valid


def test_state_saved_while_its_part_was_not_used_since_a_restart_is_kept(data_dir: Path) -> None:
    first = started(data_dir)
    try:
        key_file = control(first.url, "POST", "oidc/service-account", json={})
    finally:
        first.stop()
    # After a restart a person's token is minted (a save) before any key is used.
    second = started(data_dir)
    try:
        access_token(second.url, SELLER)
    finally:
        second.stop()

    third = started(data_dir)
    session = requests.Session()
    try:
        key_file["token_uri"] = f"{third.url}/token"
        credentials = service_account_credentials(
            key_file, scopes=["https://www.googleapis.com/auth/drive"]
        )
        credentials.refresh(google.auth.transport.requests.Request(session))
    finally:
        session.close()
        third.stop()

    assert credentials.valid


def test_a_watch_channel_survives_a_restart_and_keeps_numbering(
    data_dir: Path, receiver: Receiver
) -> None:
    first = started(data_dir)
    try:
        drive = drive_for(first.url, SELLER)
        plan = new_spreadsheet(drive)
        drive.files().watch(
            fileId=plan["id"],
            body={"id": str(uuid.uuid4()), "type": "web_hook", "address": receiver.url},
        ).execute()
        receiver.count(1)
        drive.close()
    finally:
        first.stop()

    second = started(data_dir)
    try:
        drive = drive_for(second.url, SELLER)
        drive.files().update(fileId=plan["id"], body={"name": "After restart"}).execute()
        got = receiver.count(2)
    finally:
        second.stop()

    assert [h["X-Goog-Resource-State"] for h in got] == ["sync", "update"]
    assert got[1]["X-Goog-Message-Number"] == "2"


def test_changes_reach_the_disk_without_a_stop(data_dir: Path) -> None:
    server = started(data_dir)
    try:
        drive = drive_for(server.url)
        plan = new_spreadsheet(drive, "Before")
        drive.files().update(fileId=plan["id"], body={"name": "After"}).execute()
        path = data_dir / "files" / f"{plan['id']}.json"

        def name_on_disk() -> str | None:
            return json.loads(path.read_text())["file"]["name"] if path.exists() else None

        # Half a second apart at most; the bound is for a loaded machine.
        wait_for(lambda: name_on_disk() == "After", what="the new name on disk")
    finally:
        server.stop()


def test_a_burst_of_edits_is_written_once_not_once_per_request(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Path] = []
    real_write = persistence.write_atomic

    def counting_write(path: Path, data: Any) -> None:
        writes.append(path)
        real_write(path, data)

    monkeypatch.setattr(persistence, "write_atomic", counting_write)
    # However long the burst takes, it falls within one interval: one write, at the stop.
    server = EmulatorServer(data_dir=data_dir, persist_interval_s=3600).start()
    try:
        drive = drive_for(server.url)
        plan = new_spreadsheet(drive)
        for n in range(30):
            drive.files().update(fileId=plan["id"], body={"name": f"Edit {n}"}).execute()
    finally:
        server.stop()

    file_writes = [p for p in writes if p.name == f"{plan['id']}.json"]
    assert len(file_writes) == 1
    assert json.loads(file_writes[-1].read_text())["file"]["name"] == "Edit 29"


def test_a_deleted_file_is_gone_after_a_restart(data_dir: Path) -> None:
    first = started(data_dir)
    try:
        drive = drive_for(first.url)
        plan = new_spreadsheet(drive)
        drive.files().delete(fileId=plan["id"]).execute()
        drive.close()
    finally:
        first.stop()

    second = started(data_dir)
    try:
        present = plan["id"] in second.state.files
    finally:
        second.stop()

    assert not present
    assert not (data_dir / "files" / f"{plan['id']}.json").exists()


def test_writes_leave_no_temporary_files_and_the_key_is_private(data_dir: Path) -> None:
    server = started(data_dir)
    try:
        new_spreadsheet(drive_for(server.url))
        control(server.url, "POST", "oidc/id-token", json={"email": SELLER, "audience": "a"})
    finally:
        server.stop()

    leftovers = [p.name for p in data_dir.rglob("*") if p.name.endswith(".tmp")]
    mode = stat.S_IMODE((data_dir / "signing-key.pem").stat().st_mode)
    assert leftovers == []
    assert mode == 0o600


def test_reset_is_refused_when_the_state_is_on_disk(data_dir: Path) -> None:
    server = started(data_dir)
    try:
        response = requests.post(f"{server.url}/__emulator/reset", timeout=10)
    finally:
        server.stop()

    assert response.status_code == 409
    assert response.json()["error"]["status"] == "FAILED_PRECONDITION"


def test_reset_forgets_everything_in_an_in_memory_emulator() -> None:
    with EmulatorServer() as server:
        drive = drive_for(server.url)
        new_spreadsheet(drive)

        response = requests.post(f"{server.url}/__emulator/reset", timeout=10)
        listed = drive.files().list().execute()

    assert response.status_code == 200
    assert listed["files"] == []
