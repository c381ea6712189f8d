"""Drive watch channels: what ``files.watch`` opened, until it expires or is stopped."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

# Drive's limits for files.watch: one hour by default, one day at most.
DEFAULT_TTL_MS = 3600 * 1000
MAX_TTL_MS = 86400 * 1000


def resource_id_for(file_id: str) -> str:
    """A stable opaque id for a watched file, as Drive gives one per resource."""
    return hashlib.sha256(("resource:" + file_id).encode()).hexdigest()[:27]


@dataclass
class Channel:
    id: str
    resource_id: str
    resource_uri: str
    file_id: str
    address: str
    token: str
    expiration_ms: int
    created_by: str
    message_number: int = 0

    def expired(self, at_ms: int) -> bool:
        return at_ms >= self.expiration_ms

    def api_json(self) -> dict[str, Any]:
        """The ``api#channel`` resource files.watch answers with."""
        body: dict[str, Any] = {
            "kind": "api#channel",
            "id": self.id,
            "resourceId": self.resource_id,
            "resourceUri": self.resource_uri,
        }
        if self.token:
            body["token"] = self.token
        body["expiration"] = str(self.expiration_ms)
        return body


class ChannelBook:
    """Open channels by id (and by file, as every change to a file looks its channels
    up). Persists with the state; expired ones are dropped lazily."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self._lock = threading.Lock()
        self._channels: dict[str, Channel] = {}
        self._by_file: dict[str, dict[str, Channel]] = {}

    def add(self, channel: Channel) -> bool:
        with self._lock:
            self._prune(list(self._channels.values()))
            if channel.id in self._channels:
                return False
            self._channels[channel.id] = channel
            self._by_file.setdefault(channel.file_id, {})[channel.id] = channel
            return True

    def get(self, channel_id: str) -> Channel | None:
        with self._lock:
            return self._channels.get(channel_id)

    def remove(self, channel_id: str) -> Channel | None:
        with self._lock:
            return self._drop(channel_id)

    def for_file(self, file_id: str) -> list[Channel]:
        with self._lock:
            self._prune(list(self._by_file.get(file_id, {}).values()))
            return list(self._by_file.get(file_id, {}).values())

    def next_message_number(self, channel: Channel) -> int:
        with self._lock:
            channel.message_number += 1
            return channel.message_number

    def all(self) -> list[Channel]:
        with self._lock:
            self._prune(list(self._channels.values()))
            return list(self._channels.values())

    def _prune(self, channels: list[Channel]) -> None:
        at = self.now_ms()
        for channel in channels:
            if channel.expired(at):
                self._drop(channel.id)

    def _drop(self, channel_id: str) -> Channel | None:
        channel = self._channels.pop(channel_id, None)
        if channel is not None:
            on_file = self._by_file.get(channel.file_id, {})
            on_file.pop(channel_id, None)
            if not on_file:
                self._by_file.pop(channel.file_id, None)
        return channel

    def reset(self) -> None:
        with self._lock:
            self._channels.clear()
            self._by_file.clear()

    def to_json(self) -> Any:
        with self._lock:
            return [asdict(c) for c in self._channels.values()]

    def load_json(self, data: Any) -> None:
        with self._lock:
            self._channels = {}
            self._by_file = {}
            for fields in data:
                channel = Channel(**fields)
                self._channels[channel.id] = channel
                self._by_file.setdefault(channel.file_id, {})[channel.id] = channel
