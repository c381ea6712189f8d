"""Drive push notifications: opening a channel (``files.watch``), ``channels.stop``, and
the messages each change to a file sends its channels.

A channel gets a ``sync`` message when it opens, then one message per change to its
file: ``update`` (with ``X-Goog-Changed``: content, properties, permissions, parents),
``trash``, ``untrash``, or ``remove`` when the file is deleted (the channel closes
with it). Messages go out on :class:`~emulator.drive.delivery.Dispatcher`'s threads.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

from flask import Blueprint, Response

from emulator.context import current_state
from emulator.drive.access import visible_file
from emulator.drive.channels import (
    DEFAULT_TTL_MS,
    MAX_TTL_MS,
    Channel,
    ChannelBook,
    resource_id_for,
)
from emulator.drive.delivery import Dispatcher, Notification
from emulator.drive.protocol import body_json
from emulator.errors import drive_bad_value, drive_error
from emulator.state import Change, EmulatorState

# Drive's ``channels`` resource: ``drive.channels.stop``. Channels are opened by
# ``files.watch`` (in :mod:`emulator.drive.files`).
channels = Blueprint("channels", __name__)


def channel_book(state: EmulatorState) -> ChannelBook:
    return state.section("channels", lambda: ChannelBook(state.clock.ms))


def dispatcher(state: EmulatorState) -> Dispatcher:
    existing = state.extensions.get("push.dispatcher")
    if existing is None:
        book = channel_book(state)

        def is_live(channel_id: str) -> bool:
            channel = book.get(channel_id)
            return channel is not None and not channel.expired(book.now_ms())

        existing = state.extensions["push.dispatcher"] = Dispatcher(is_live)
        state.on_close(existing.stop)
    assert isinstance(existing, Dispatcher)
    return existing


def notify(
    state: EmulatorState,
    channel: Channel,
    resource_state: str,
    changed: str = "",
    *,
    final: bool = False,
) -> None:
    """Queue one message to ``channel``; it gets the channel's next message number."""
    number = channel_book(state).next_message_number(channel)
    headers = {
        "X-Goog-Channel-ID": channel.id,
        "X-Goog-Channel-Expiration": formatdate(channel.expiration_ms / 1000, usegmt=True),
        "X-Goog-Resource-State": resource_state,
        "X-Goog-Message-Number": str(number),
        "X-Goog-Resource-ID": channel.resource_id,
        "X-Goog-Resource-URI": channel.resource_uri,
    }
    if channel.token:
        headers["X-Goog-Channel-Token"] = channel.token
    if changed:
        headers["X-Goog-Changed"] = changed
    dispatcher(state).enqueue(Notification(channel.id, channel.address, headers, final=final))


def attach(state: EmulatorState) -> None:
    """Tell a file's channels about each change to it; forget every channel when the
    state is reset."""
    book = channel_book(state)
    state.on_reset(book.reset)
    state.watch(lambda change: _on_change(state, change))


def _on_change(state: EmulatorState, change: Change) -> None:
    book = channel_book(state)
    channels = book.for_file(change.file.id)
    if not channels:
        return
    if change.kind == "update":
        changed = ",".join(change.what)
        for channel in channels:
            notify(state, channel, "update", changed)
    else:
        for channel in channels:
            notify(state, channel, change.kind, final=change.kind == "remove")
    if change.kind == "remove":
        for channel in channels:
            book.remove(channel.id)
    # Message numbers persist with the channels.
    state.touch()


def open_channel(
    state: EmulatorState, file_id: str, body: dict[str, Any], user: str, base_url: str
) -> Channel:
    """``files.watch``: a channel on the file, told ``sync`` at once; Drive's 400s for a
    missing id, an unknown type, an address that is not a URL or an id in use."""
    book = channel_book(state)
    channel_id = body.get("id")
    if not isinstance(channel_id, str) or not channel_id:
        raise drive_error(400, "Required parameter: id", "required", location="id")
    if body.get("type") not in ("web_hook", "webhook"):
        raise drive_error(
            400, f"Unknown channel type: {body.get('type')}", "push.invalidChannelType"
        )
    address = body.get("address")
    if not isinstance(address, str) or not address.startswith(("https://", "http://")):
        raise drive_error(
            400, f"Invalid notification address: {address}", "push.webhookUrlNotHttps"
        )
    expiration = _expiration(body.get("expiration"), book.now_ms())
    with state.lock:
        visible_file(state, file_id, user)
        channel = Channel(
            id=channel_id,
            resource_id=resource_id_for(file_id),
            resource_uri=f"{base_url}/drive/v3/files/{file_id}?alt=json",
            file_id=file_id,
            address=address,
            token=str(body.get("token") or ""),
            expiration_ms=expiration,
            created_by=user,
        )
        if not book.add(channel):
            raise drive_error(400, f"Channel id {channel_id} not unique", "channelIdNotUnique")
        notify(state, channel, "sync")
    state.touch()
    return channel


@channels.post("/channels/stop", endpoint="stop")
def stop_channel() -> Any:
    """Close a channel: no more messages go to it."""
    state = current_state()
    book = channel_book(state)
    body = body_json()
    channel_id, resource_id = body.get("id"), body.get("resourceId")
    channel = book.get(str(channel_id))
    if channel is None or channel.resource_id != resource_id:
        raise drive_error(
            404,
            f"Channel '{channel_id}' not found for project 'emulator'",
            "notFound",
        )
    book.remove(channel.id)
    dispatcher(state).forget(channel.id)
    state.touch()
    return Response(status=204, content_type="text/html")


def _expiration(value: Any, now: int) -> int:
    """The channel's expiry in epoch ms: as asked, capped at Drive's one day."""
    if value in (None, "", 0, "0"):
        return now + DEFAULT_TTL_MS
    try:
        asked = int(value)
    except (TypeError, ValueError):
        raise drive_bad_value("expiration") from None
    if asked <= now:
        raise drive_bad_value("expiration", "The expiration time must be in the future.")
    return min(asked, now + MAX_TTL_MS)
