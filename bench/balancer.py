"""A round-robin HTTP proxy standing in for the load balancer in front of backend
instances, run as a process of its own (``python bench/balancer.py``): in the bench's
process its threads would share one interpreter lock with the load generator's clients
and add their waits to the hook latencies the bench reports.

It prints its address on its first line. ``PUT /__balancer/backends`` with a JSON list
of instance addresses sets where requests go; an instance that refuses the connection is
skipped (the next one gets the request), as a load balancer's health checks do.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

CONTROL = "/__balancer/backends"


class Balancer:
    """The proxy itself; ``serve_in_background`` runs it on a thread of the caller (for
    benches that measure CPU, not latency). While ``refusing`` is set, every request is
    answered 503 and reaches no instance."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.refusing = False
        self._next = 0
        self._lock = threading.Lock()
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == CONTROL and self.command == "PUT":
                    balancer.backends = [str(url) for url in json.loads(body)]
                    self.send_response(204)
                    self.end_headers()
                    return
                if balancer.refusing:
                    self.send_error(503, "refusing")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                for url in balancer.order():
                    host, port = url.removeprefix("http://").split(":")
                    connection = http.client.HTTPConnection(host, int(port), timeout=120)
                    try:
                        connection.request(self.command, self.path, body, headers)
                        answer = connection.getresponse()
                        payload = answer.read()
                    except OSError:
                        continue
                    finally:
                        connection.close()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in ("connection", "transfer-encoding"):
                            self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_error(503, "no instance answers")

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve_in_background(self) -> Balancer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def order(self) -> list[str]:
        with self._lock:
            self._next += 1
            start = self._next
            backends = list(self.backends)
        return [backends[(start + i) % len(backends)] for i in range(len(backends))]


class BalancerProcess:
    """The parent's handle on a balancer process."""

    def __init__(self, url: str) -> None:
        self.url = url

    def route_to(self, backends: list[str]) -> None:
        requests.put(f"{self.url}{CONTROL}", json=backends, timeout=10).raise_for_status()


@contextmanager
def balancer_process() -> Iterator[BalancerProcess]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve())], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield BalancerProcess(process.stdout.readline().strip())
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    balancer = Balancer()
    print(balancer.url, flush=True)
    balancer.server.serve_forever()


if __name__ == "__main__":
    main()
