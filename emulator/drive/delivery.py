"""Delivers push notifications in the background, never on a request's thread.

Worker threads (``DEFAULT_WORKERS``, or as set) POST queued notifications to channel
addresses, concurrently across channels as Drive does. Each channel's notifications go
out one at a time and in order; a failure (no answer, or a status
other than 2xx) is retried after a growing pause, then dropped, as Google does.
Before each attempt the channel is checked again: a stopped or expired channel gets
nothing more. Headers carry the channel token, so nothing here logs headers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

log = logging.getLogger(__name__)

DEFAULT_BACKOFF = (0.25, 0.5, 1.0, 2.0)  # pauses between attempts, in seconds
# Threads delivering at once. With 4, a burst of edits over 300 MAPs kept all of them
# busy with a queue behind them (a receiver takes 50-100 ms an answer on a loaded
# machine), which delays notifications Drive sends at once; the threads start on the
# first message and idle on a condition.
DEFAULT_WORKERS = 16
USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"


@dataclass
class Notification:
    channel_id: str
    address: str
    headers: dict[str, str]
    # The last message of a channel that closes with it (the file was deleted): it
    # goes out although the channel is gone by then.
    final: bool = False
    attempts: int = 0


Sender = Callable[[Notification], bool]


class Dispatcher:
    """A queue per channel, served by a pool of threads started on first use."""

    def __init__(
        self,
        is_live: Callable[[str], bool],
        *,
        send: Sender | None = None,
        workers: int = DEFAULT_WORKERS,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        timeout: float = 5.0,
    ) -> None:
        self._is_live = is_live
        self._send = send or self._post
        self._workers = workers
        self._backoff = tuple(backoff)
        self._timeout = timeout
        self._cv = threading.Condition()
        self._queues: dict[str, deque[Notification]] = {}
        self._busy: set[str] = set()
        self._not_before: dict[str, float] = {}
        self._threads: list[threading.Thread] = []
        self._local = threading.local()
        self._stopping = False
        self.delivered = 0
        self.dropped = 0

    def enqueue(self, notification: Notification) -> None:
        with self._cv:
            if self._stopping:
                return
            queue = self._queues.setdefault(notification.channel_id, deque())
            if notification.final:
                # The channel closes with its file: what was queued while it was open
                # still goes out, in order, before the final message.
                for queued in queue:
                    queued.final = True
            queue.append(notification)
            if not self._threads:
                self._start()
            self._cv.notify()

    @property
    def workers(self) -> int:
        return self._workers

    def set_workers(self, workers: int) -> None:
        """How many threads deliver. If they run already, more start at once (fewer
        takes effect only for a dispatcher not started yet)."""
        if workers < 1:
            raise ValueError("push delivery needs at least one worker")
        with self._cv:
            started = bool(self._threads)
            self._workers = workers
            if started and len(self._threads) < workers:
                self._start(len(self._threads))

    def forget(self, channel_id: str) -> None:
        """Drop whatever is still queued for a channel."""
        with self._cv:
            queue = self._queues.pop(channel_id, None)
            self.dropped += len(queue or ())
            self._not_before.pop(channel_id, None)

    def stop(self) -> None:
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        for thread in self._threads:
            thread.join(timeout=self._timeout + 1)
        self._threads.clear()

    def _start(self, first: int = 0) -> None:
        for n in range(first, self._workers):
            thread = threading.Thread(target=self._run, name=f"emulator-push-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _take(self) -> Notification | None:
        """The head of a channel that is ready, waiting for one; None when stopping."""
        with self._cv:
            while not self._stopping:
                now = time.monotonic()
                wake: float | None = None
                for channel_id, queue in self._queues.items():
                    if not queue or channel_id in self._busy:
                        continue
                    due = self._not_before.get(channel_id, 0.0)
                    if due <= now:
                        self._busy.add(channel_id)
                        return queue[0]
                    wake = due if wake is None else min(wake, due)
                self._cv.wait(timeout=None if wake is None else wake - now)
            return None

    def _run(self) -> None:
        try:
            self._serve()
        finally:
            session = getattr(self._local, "session", None)
            if session is not None:
                session.close()

    def _serve(self) -> None:
        while True:
            notification = self._take()
            if notification is None:
                return
            # Liveness first, then ``final``: whoever closes a channel with its file
            # queues the final message (which marks what is queued) before closing
            # it, so a channel seen closed here has its messages already marked.
            live = self._is_live(notification.channel_id) or notification.final
            ok = live and self._attempt(notification)
            self._finish(notification, ok, live)

    def _attempt(self, notification: Notification) -> bool:
        notification.attempts += 1
        try:
            return self._send(notification)
        except Exception as exc:  # a receiver's failure must never kill a worker
            log.info(
                "push to channel %s failed on attempt %d: %s",
                notification.channel_id,
                notification.attempts,
                type(exc).__name__,
            )
            return False

    def _finish(self, notification: Notification, ok: bool, live: bool) -> None:
        with self._cv:
            channel_id = notification.channel_id
            self._busy.discard(channel_id)
            queue = self._queues.get(channel_id)
            retry = live and not ok and notification.attempts <= len(self._backoff)
            if retry:
                pause = self._backoff[notification.attempts - 1]
                self._not_before[channel_id] = time.monotonic() + pause
            else:
                if queue and queue[0] is notification:
                    queue.popleft()
                if queue is not None and not queue:
                    del self._queues[channel_id]
                self._not_before.pop(channel_id, None)
                if ok:
                    self.delivered += 1
                else:
                    self.dropped += 1
            if retry:
                self._cv.notify_all()  # every idle worker's wait now ends at the retry
            else:
                # This worker takes the channel's next message itself; one more is woken
                # in case it takes another channel instead. Not all of them: with many
                # idle workers, each delivery would wake every one.
                self._cv.notify()

    def _post(self, notification: Notification) -> bool:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
        response = session.post(
            notification.address,
            data=b"",
            headers=notification.headers,
            timeout=self._timeout,
            allow_redirects=False,
        )
        response.close()
        return 200 <= response.status_code < 300
