"""A real local HTTP server that receives Drive push notifications in tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Collects the notifications POSTed to ``url``; answers from ``statuses`` in turn."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.attempts = 0
        self.statuses: list[int] = []  # consumed one per request; 200 when empty
        # While cleared, every delivery waits at the door (a receiver that is slow for as
        # long as the test wants); set by default.
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = 0
        self._cv = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if not receiver.gate.is_set():
                    with receiver._cv:
                        receiver.waiting += 1
                        receiver._cv.notify_all()
                    receiver.gate.wait(30)
                with receiver._cv:
                    receiver.attempts += 1
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if status < 300:
                        receiver.received.append(dict(self.headers.items()))
                    receiver._cv.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/notifications"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait_for(
        self, predicate: Callable[[list[dict[str, str]]], bool], timeout: float = 30.0
    ) -> list[dict[str, str]]:
        """The notifications so far, once ``predicate`` holds of them (else fail)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while not predicate(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"notifications never arrived; got {self.received}")
                self._cv.wait(timeout=left)
            return list(self.received)

    def wait_until_held(self, n: int = 1, timeout: float = 30.0) -> None:
        """Until ``n`` deliveries wait at the closed gate."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self.waiting < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"only {self.waiting} deliveries reached the gate")
                self._cv.wait(timeout=left)

    def count(self, n: int, timeout: float = 30.0) -> list[dict[str, str]]:
        return self.wait_for(lambda got: len(got) >= n, timeout)

    def states(self) -> list[str]:
        with self._cv:
            return [h["X-Goog-Resource-State"] for h in self.received]
