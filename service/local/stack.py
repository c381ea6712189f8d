"""Start and stop local mode's parts together, in one process.

Ports: the backend listens on ``port`` and the emulator (Google's APIs, sign-in and the
preview) on ``port + 1``; with ``port`` 0 each gets a free port. Everything listens on
``host`` (127.0.0.1 by default). State: the emulator's under ``DATA/emulator``, the
store's SQLite file at ``DATA/map.sqlite3``; nothing is lost on restart.

Stopping: the backend stops taking requests, finishes the syncs under way (they need
the emulator), then the cron thread and the emulator stop, which flushes its state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from emulator.http_server import WSGIServer
from emulator.preview import addon
from emulator.server import EmulatorServer
from service.config import Settings
from service.local.channels import follow_backend
from service.local.cron import LocalCron
from service.local.mailbox import LocalSmtpServer
from service.local.settings import CRON_ACCOUNT, LOCAL_CLIENT_ID, local_settings
from service.runtime.mailbox import MAILBOX_DIR, Mailbox

log = logging.getLogger(__name__)

EMULATOR_DIR = "emulator"
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class LocalOptions:
    data_dir: Path
    port: int = 8080
    host: str = "127.0.0.1"
    # Run the cron jobs (channel renewal, sweep) on a timer.
    cron: bool = True


def url_host(host: str) -> str:
    """The host to put in URLs: a wildcard address is reached at 127.0.0.1."""
    if host in WILDCARD_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _to_preview(app: Callable[..., Iterable[bytes]], preview_url: str) -> Callable[..., Any]:
    """The backend's WSGI app, with its bare root sending people to the preview."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in ("", "/") and environ.get("REQUEST_METHOD") == "GET":
            start_response("302 Found", [("Location", preview_url), ("Content-Length", "0")])
            return [b""]
        return app(environ, start_response)

    return wsgi


class LocalStack:
    def __init__(self, options: LocalOptions) -> None:
        self.options = options
        self.emulator: EmulatorServer | None = None
        self.app: Flask | None = None
        self.settings: Settings | None = None
        self._backend_server: WSGIServer | None = None
        self._backend_thread: threading.Thread | None = None
        self._cron: LocalCron | None = None
        self.smtp: LocalSmtpServer | None = None
        self.backend_url = ""
        self.emulator_url = ""

    @property
    def preview_url(self) -> str:
        return f"{self.emulator_url}/preview/"

    def start(self) -> LocalStack:
        """Bind both ports, then serve. OSError when a port is taken; ValueError when
        the emulator's saved state cannot be read. On any failure what started stops."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        options = self.options
        data_dir = options.data_dir.resolve()
        host = url_host(options.host)
        self._backend_server = WSGIServer((options.host, options.port), _not_ready)
        emulator_port = 0 if options.port == 0 else options.port + 1
        self.emulator = EmulatorServer(
            port=emulator_port, host=options.host, data_dir=data_dir / EMULATOR_DIR
        )
        self.backend_url = f"http://{host}:{self._backend_server.server_address[1]}"
        self.emulator_url = f"http://{host}:{self.emulator.port}"
        self.emulator.url = self.emulator_url
        self.emulator.app.config["EMULATOR_URL"] = self.emulator_url
        addon.configure(self.emulator.app, addon.AddonConfig(self.backend_url, LOCAL_CLIENT_ID))
        self.emulator.start()
        follow_backend(self.emulator.state, data_dir, self.backend_url)

        from service.web.app import create_app

        smtp_host = "127.0.0.1" if options.host in WILDCARD_HOSTS else options.host
        self.smtp = LocalSmtpServer(Mailbox(data_dir / MAILBOX_DIR), host=smtp_host).start()
        self.settings = local_settings(
            data_dir,
            backend_url=self.backend_url,
            emulator_url=self.emulator_url,
            smtp_host=smtp_host,
            smtp_port=self.smtp.port,
        )
        self.app = create_app(self.settings)
        self._backend_server.app = _to_preview(self.app.wsgi_app, self.preview_url)
        self._backend_thread = threading.Thread(
            target=self._backend_server.serve_forever, name="backend", daemon=True
        )
        self._backend_thread.start()
        if options.cron:
            self._cron = LocalCron(
                self.emulator.state,
                backend_url=self.backend_url,
                issuer=self.emulator_url,
                account=CRON_ACCOUNT,
            ).start()

    def stop(self) -> None:
        if self._cron is not None:
            self._cron.stop()
            self._cron = None
        server = self._backend_server
        if server is not None:
            if self._backend_thread is not None:
                server.shutdown()
                self._backend_thread.join(timeout=10)
            server.close_open_connections()
            server.server_close()
            self._backend_server = None
        if self.app is not None:
            from service.web.context import EXTENSION

            self.app.extensions[EXTENSION].close()
            self.app = None
        if self.smtp is not None:
            self.smtp.stop()
            self.smtp = None
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("503 Service Unavailable", [("Retry-After", "1")])
    return [b""]
