"""A small threaded HTTP/1.1 WSGI server with keep-alive, for the emulator.

Werkzeug's development server closes every connection after one response; the
client libraries keep connections open, and benchmarks send hundreds of requests a
second, so the emulator serves WSGI itself: one thread per connection, many requests
per connection, each response written in one ``sendall`` (no Nagle stalls).

An application may ask for the connection to be dropped without any response (fault
injection) by setting ``environ[DROP_FLAG]``.
"""

from __future__ import annotations

import contextlib
import io
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote_to_bytes

DROP_FLAG = "emulator.drop_connection"
MAX_BODY = 64 * 1024 * 1024
IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may sit idle

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True
    server: WSGIServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        try:
            self._serve()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": self.path,
            "REQUEST_URI": self.path,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": str(self.client_address[1]),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if "_" in name or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            self.send_error(413)
            self.close_connection = True
            return
        environ = self._environ(body)
        status_headers: list[Any] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            status_headers[:] = [status, headers]
            return lambda data: chunks.append(data)

        result = self.server.app(environ, start_response)
        try:
            if environ.get(DROP_FLAG):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = status_headers
        payload = b"".join(chunks)
        code = int(status.split(" ", 1)[0])
        lines = [f"HTTP/1.1 {status}"]
        for key, value in headers:
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                lines.append(f"{key}: {value}")
        no_body = self.command == "HEAD" or code in (204, 304) or 100 <= code < 200
        if code not in (204, 304) and not 100 <= code < 200:
            lines.append(f"Content-Length: {len(payload)}")
        if (
            not self.server.keep_alive
            or self.headers.get("Connection", "").lower() == "close"
            or self.request_version != "HTTP/1.1"
        ):
            self.close_connection = True
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if no_body else head + payload)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines can carry ids and query strings; the emulator logs none of them.
        pass


class WSGIServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: WSGIApp, *, keep_alive: bool = True) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.keep_alive = keep_alive
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def track(self, connection: socket.socket, is_open: bool) -> None:
        with self._open_lock:
            if is_open:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def close_open_connections(self) -> None:
        """Hang up kept-alive connections, so no request reaches a stopped emulator."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
