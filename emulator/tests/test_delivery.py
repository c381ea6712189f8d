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


def test_channels_are_served_concurrently_up_to_the_workers_and_each_in_order() -> None:
    gate = threading.Event()
    lock = threading.Lock()
    in_flight: set[str] = set()
    most = [0]
    sent: dict[str, list[str]] = {}

    def send(notification: Notification) -> bool:
        with lock:
            in_flight.add(notification.channel_id)
            most[0] = max(most[0], len(in_flight))
        gate.wait(30)
        with lock:
            in_flight.discard(notification.channel_id)
            sent.setdefault(notification.channel_id, []).append(notification.headers["n"])
        return True

    dispatcher = Dispatcher(lambda channel_id: True, send=send, workers=3)
    try:
        for n in range(3):
            for channel in ("a", "b", "c", "d", "e"):
                dispatcher.enqueue(Notification(channel, "http://x", {"n": str(n)}))
        wait_for(lambda: len(in_flight) == 3, what="three deliveries at once")
        dispatcher.set_workers(5)
        wait_for(lambda: len(in_flight) == 5, what="five deliveries at once")
        gate.set()
        wait_for(lambda: dispatcher.delivered == 15, what="every delivery")
    finally:
        dispatcher.stop()

    assert most[0] == 5  # one at a time per channel: never more than the channels
    assert sent == {channel: ["0", "1", "2"] for channel in "abcde"}


def test_the_server_sets_how_many_notifications_go_out_at_once() -> None:
    from emulator.drive.delivery import DEFAULT_WORKERS
    from emulator.drive.push import dispatcher
    from emulator.server import EmulatorServer

    default, two = EmulatorServer(tune_gc=False), EmulatorServer(push_workers=2, tune_gc=False)
    try:
        assert dispatcher(default.state).workers == DEFAULT_WORKERS == 16
        assert dispatcher(two.state).workers == 2
    finally:
        default.stop()
        two.stop()
