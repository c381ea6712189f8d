"""The dispatcher on its own, with a sender that records instead of posting."""

from __future__ import annotations

import threading

from emulator.drive.delivery import Dispatcher, Notification
from emulator.testing import wait_for


def notification(state: str, *, final: bool = False) -> Notification:
    return Notification("channel", "http://x", {"X-Goog-Resource-State": state}, final=final)


def test_what_was_queued_before_a_channel_closed_with_its_file_still_goes_out_in_order() -> None:
    sent: list[str] = []
    gate = threading.Event()
    live = {"channel": True}

    def send(notification: Notification) -> bool:
        gate.wait(30)  # deliveries wait until the file is gone and its channel closed
        sent.append(notification.headers["X-Goog-Resource-State"])
        return True

    dispatcher = Dispatcher(lambda channel_id: live[channel_id], send=send, workers=1)
    try:
        for state in ("sync", "trash"):
            dispatcher.enqueue(
                Notification("channel", "http://x", {"X-Goog-Resource-State": state})
            )
        # The file was deleted: its last message is queued, then the channel closes
        # (the order the emulator's Drive keeps).
        dispatcher.enqueue(notification("remove", final=True))
        live["channel"] = False
        gate.set()
        wait_for(lambda: len(sent) == 3, what="three deliveries")
    finally:
        dispatcher.stop()

    assert sent == ["sync", "trash", "remove"]


def test_nothing_queued_for_a_stopped_channel_goes_out() -> None:
    sent: list[str] = []
    gate, sending = threading.Event(), threading.Event()
    live = {"channel": True}

    def send(notification: Notification) -> bool:
        sending.set()
        gate.wait(30)
        sent.append(notification.headers["X-Goog-Resource-State"])
        return True

    dispatcher = Dispatcher(lambda channel_id: live[channel_id], send=send, workers=1)
    try:
        for state in ("sync", "update", "update"):
            dispatcher.enqueue(
                Notification("channel", "http://x", {"X-Goog-Resource-State": state})
            )
        assert sending.wait(30), "the first delivery never started"
        live["channel"] = False  # channels.stop
        gate.set()
        wait_for(lambda: dispatcher.dropped == 2, what="the stopped channel's messages dropped")
    finally:
        dispatcher.stop()

    assert sent == ["sync"]
