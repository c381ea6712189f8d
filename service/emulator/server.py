"""Serve the emulator over HTTP on 127.0.0.1, in a background thread or in the foreground."""

from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from service.emulator.app import create_emulator_app
from service.emulator.state import EmulatorState


class _Handler(WSGIRequestHandler):
    # HTTP/1.1 keeps connections alive between the client libraries' calls.
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class EmulatorServer:
    """The emulator on ``127.0.0.1:port`` (0 picks a free port); ``url`` is its base URL."""

    def __init__(
        self,
        state: EmulatorState | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        data_dir: Path | None = None,
    ) -> None:
        self.state = state if state is not None else EmulatorState(data_dir)
        self.app = create_emulator_app(self.state)
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=_Handler
        )
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self.app.config["EMULATOR_URL"] = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
