"""Local mode's mail server: a real SMTP server (aiosmtpd) inside ``serve``.

Every message the backend sends is received here and kept in the local
:class:`~service.runtime.mailbox.Mailbox` for the Outbox page to show as the recipient
would see it.
"""

from __future__ import annotations

import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from service.runtime.mailbox import Mailbox


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        self.mailbox.keep(data)
        return "250 Message accepted for delivery"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class LocalSmtpServer:
    """aiosmtpd on ``host``, a free port unless given; :attr:`port` once started."""

    def __init__(self, mailbox: Mailbox, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mailbox = mailbox
        self.host = host
        self.port = port or _free_port(host)
        self._controller = Controller(_Handler(mailbox), hostname=host, port=self.port)

    def start(self) -> LocalSmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
