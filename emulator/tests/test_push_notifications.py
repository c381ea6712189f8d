"""Drive push notifications delivered to a real local HTTP receiver."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.tests.infra_clients import (
    close_clients,  # noqa: F401
    control,
    drive_for,
    new_spreadsheet,
    sheets_for,
    unique_email,
)
from emulator.tests.push_receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def seller_email() -> str:
    return unique_email("seller")


@pytest.fixture
def drive(emulator: Any, seller_email: str) -> Any:
    return drive_for(emulator.url, seller_email)


@pytest.fixture
def plan(drive: Any) -> dict[str, Any]:
    return new_spreadsheet(drive, "Watched MAP")


def watch(drive: Any, file_id: str, address: str, **extra: Any) -> dict[str, Any]:
    body = {"id": str(uuid.uuid4()), "type": "web_hook", "address": address, **extra}
    channel: dict[str, Any] = drive.files().watch(fileId=file_id, body=body).execute()
    return channel


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def test_watch_answers_an_api_channel(
    drive: Any, plan: dict[str, Any], receiver: Receiver, emulator: Any
) -> None:
    expiration = epoch_ms(emulator.state.clock.now() + timedelta(minutes=10))

    channel = watch(drive, plan["id"], receiver.url, token="secret-1", expiration=expiration)

    assert channel["kind"] == "api#channel"
    assert channel["token"] == "secret-1"
    assert channel["expiration"] == str(expiration)
    assert channel["resourceId"]
    assert channel["resourceUri"].endswith(f"/drive/v3/files/{plan['id']}?alt=json")


def test_a_new_channel_gets_one_sync_message_with_googles_headers(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    channel = watch(drive, plan["id"], receiver.url, token="secret-2")

    [sync] = receiver.count(1)

    assert sync["X-Goog-Channel-ID"] == channel["id"]
    assert sync["X-Goog-Channel-Token"] == "secret-2"
    assert sync["X-Goog-Resource-State"] == "sync"
    assert sync["X-Goog-Resource-ID"] == channel["resourceId"]
    assert sync["X-Goog-Resource-URI"] == channel["resourceUri"]
    assert sync["X-Goog-Message-Number"] == "1"
    assert sync["X-Goog-Channel-Expiration"].endswith("GMT")


def test_each_change_is_an_update_with_an_increasing_message_number(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    watch(drive, plan["id"], receiver.url)
    receiver.count(1)

    drive.files().update(fileId=plan["id"], body={"name": "Renamed once"}).execute()
    drive.files().update(fileId=plan["id"], body={"name": "Renamed twice"}).execute()
    got = receiver.count(3)

    assert [h["X-Goog-Resource-State"] for h in got] == ["sync", "update", "update"]
    assert [int(h["X-Goog-Message-Number"]) for h in got] == [1, 2, 3]
    assert got[1]["X-Goog-Changed"] == "properties"


def test_sharing_is_an_update_that_changed_permissions(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    watch(drive, plan["id"], receiver.url)
    receiver.count(1)

    drive.permissions().create(
        fileId=plan["id"],
        body={"type": "user", "role": "writer", "emailAddress": unique_email("buyer")},
        sendNotificationEmail=False,
    ).execute()

    assert receiver.count(2)[1]["X-Goog-Changed"] == "permissions"


def test_an_edit_through_the_sheets_api_is_delivered_as_a_content_update(
    emulator: Any, drive: Any, seller_email: str, plan: dict[str, Any], receiver: Receiver
) -> None:
    watch(drive, plan["id"], receiver.url)
    receiver.count(1)

    sheets = sheets_for(emulator.url, seller_email)
    sheets.spreadsheets().values().update(
        spreadsheetId=plan["id"], range="A1", valueInputOption="RAW", body={"values": [["x"]]}
    ).execute()

    update = receiver.count(2)[1]
    assert update["X-Goog-Resource-State"] == "update"
    assert update["X-Goog-Changed"] == "content"


def test_trashing_and_deleting_are_delivered_as_trash_and_remove(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    watch(drive, plan["id"], receiver.url)
    receiver.count(1)

    drive.files().update(fileId=plan["id"], body={"trashed": True}).execute()
    drive.files().delete(fileId=plan["id"]).execute()

    assert [h["X-Goog-Resource-State"] for h in receiver.count(3)] == ["sync", "trash", "remove"]


def test_nothing_is_delivered_after_channels_stop(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    channel = watch(drive, plan["id"], receiver.url)
    receiver.count(1)

    drive.channels().stop(body={"id": channel["id"], "resourceId": channel["resourceId"]}).execute()
    # A channel still open sees the change; the stopped one does not.
    live = watch(drive, plan["id"], receiver.url)
    drive.files().update(fileId=plan["id"], body={"name": "After stop"}).execute()

    messages = receiver.count(3)
    by_channel = [(m["X-Goog-Channel-ID"], m["X-Goog-Resource-State"]) for m in messages]
    assert by_channel == [(channel["id"], "sync"), (live["id"], "sync"), (live["id"], "update")]


def test_stopping_an_unknown_channel_is_a_404(drive: Any) -> None:
    with pytest.raises(HttpError) as caught:
        drive.channels().stop(body={"id": "nope", "resourceId": "nope"}).execute()

    assert caught.value.status_code == 404


def test_nothing_is_delivered_after_the_channel_expires(
    drive: Any, plan: dict[str, Any], receiver: Receiver, emulator: Any
) -> None:
    clock = emulator.state.clock
    expiring = watch(
        drive, plan["id"], receiver.url, expiration=epoch_ms(clock.now() + timedelta(minutes=1))
    )
    receiver.count(1)

    clock.advance(120)
    # A channel opened after the first expired sees the change; the expired one does not.
    live = watch(drive, plan["id"], receiver.url)
    drive.files().update(fileId=plan["id"], body={"name": "After expiry"}).execute()

    messages = receiver.count(3)
    by_channel = [(m["X-Goog-Channel-ID"], m["X-Goog-Resource-State"]) for m in messages]
    assert by_channel == [(expiring["id"], "sync"), (live["id"], "sync"), (live["id"], "update")]
    open_ids = [c["id"] for c in control(emulator.url, "GET", "channels")["channels"]]
    assert expiring["id"] not in open_ids


def test_a_failed_delivery_is_retried_until_it_succeeds(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]

    watch(drive, plan["id"], receiver.url)

    [sync] = receiver.count(1)
    assert sync["X-Goog-Resource-State"] == "sync"
    assert receiver.attempts == 3


def test_a_delivery_that_keeps_failing_is_dropped_and_later_ones_still_go_out(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    receiver.statuses = [500] * 5  # the first attempt and every retry of the sync fail

    watch(drive, plan["id"], receiver.url)
    receiver.wait_for(lambda _: receiver.attempts >= 5, timeout=60)
    drive.files().update(fileId=plan["id"], body={"name": "Later"}).execute()

    [update] = receiver.count(1)
    assert update["X-Goog-Resource-State"] == "update"
    assert update["X-Goog-Message-Number"] == "2"


def test_a_slow_receiver_never_holds_up_the_request(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    receiver.gate.clear()
    watch(drive, plan["id"], receiver.url)
    receiver.wait_until_held()

    # The change is answered while the receiver still holds the channel's first message.
    drive.files().update(fileId=plan["id"], body={"name": "Quick"}).execute()
    assert receiver.states() == []

    receiver.gate.set()
    assert receiver.count(2)[1]["X-Goog-Resource-State"] == "update"


def test_a_channel_id_can_be_used_only_once(
    drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    channel = watch(drive, plan["id"], receiver.url)

    with pytest.raises(HttpError) as caught:
        drive.files().watch(
            fileId=plan["id"],
            body={"id": channel["id"], "type": "web_hook", "address": receiver.url},
        ).execute()

    assert caught.value.status_code == 400
    assert json.loads(caught.value.content)["error"]["errors"][0]["reason"] == (
        "channelIdNotUnique"
    )


def test_a_stranger_cannot_watch_a_file(
    emulator: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    stranger = drive_for(emulator.url, unique_email("stranger"))

    with pytest.raises(HttpError) as caught:
        watch(stranger, plan["id"], receiver.url)

    assert caught.value.status_code == 404


def test_open_channels_are_listed_without_their_tokens(
    emulator: Any, drive: Any, plan: dict[str, Any], receiver: Receiver
) -> None:
    channel = watch(drive, plan["id"], receiver.url, token="hidden")

    listed = control(emulator.url, "GET", "channels")["channels"]

    mine = [c for c in listed if c["id"] == channel["id"]]
    assert len(mine) == 1
    assert "token" not in mine[0]
    assert mine[0]["fileId"] == plan["id"]
