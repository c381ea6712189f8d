"""File versions for the preview's live view: a page asks "has this file changed since
version N?" and the answer comes as soon as it has (long polling), fed by the
emulator's change feed. Stopping the emulator wakes every waiting request."""

from __future__ import annotations

import threading
import time

from emulator.state import Change, EmulatorState

GONE = -1  # the version answered for a file that no longer exists


class VersionFeed:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._changed = threading.Condition()
        self._closed = False
        self._waiting = 0
        state.watch(self._on_change)
        state.on_close(self.close)

    def version(self, file_id: str) -> int:
        file = self._state.files.get(file_id)
        return file.version if file is not None else GONE

    def wait(self, file_id: str, since: int, timeout: float) -> int:
        """The file's version once it differs from ``since``, or after ``timeout``
        seconds (or when the emulator stops), whichever is first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiting += 1
            try:
                while True:
                    current = self.version(file_id)
                    left = deadline - time.monotonic()
                    if current != since or left <= 0 or self._closed:
                        return current
                    self._changed.wait(left)
            finally:
                self._waiting -= 1

    @property
    def waiting(self) -> int:
        """How many requests are waiting for a change now (for tests: a condition to
        wait on instead of a pause)."""
        with self._changed:
            return self._waiting

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _on_change(self, change: Change) -> None:
        with self._changed:
            self._changed.notify_all()


def version_feed(state: EmulatorState) -> VersionFeed:
    """The state's feed, made on first use."""
    with state.lock:
        feed = state.extensions.get("preview.feed")
        if feed is None:
            feed = state.extensions["preview.feed"] = VersionFeed(state)
        assert isinstance(feed, VersionFeed)
        return feed
