"""Local mode's mail server: a real SMTP server (aiosmtpd) inside ``serve``.

Every message the backend sends is received here and kept as an ``.eml`` file under
``DATA/mailbox`` (named from its Message-ID, so a message sent twice is kept once),
for the Outbox page to show as the recipient would see it. Chat webhook posts in local
mode go to the backend's capture endpoint and are kept beside them as ``.json``.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

MAILBOX_DIR = "mailbox"


def _name_of(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Received:
    name: str
    received_at: datetime
    message: EmailMessage


class Mailbox:
    """The messages received, on disk."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)

    def keep(self, data: bytes) -> None:
        message = message_from_bytes(data, policy=policy.default)
        message_id = str(message.get("Message-ID", "")) or hashlib.sha256(data).hexdigest()
        path = self.directory / f"{_name_of(message_id)}.eml"
        with self._lock:
            if not path.exists():
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(data)
                tmp.replace(path)

    def keep_chat(self, webhook: str, body: dict[str, Any], received_at: datetime) -> None:
        record = {"webhook": webhook, "body": body, "received_at": received_at.isoformat()}
        text = json.dumps(record, sort_keys=True)
        path = self.directory / f"{_name_of(text)}.json"
        with self._lock:
            path.write_text(text)

    def messages(self) -> list[Received]:
        found = []
        for path in self.directory.glob("*.eml"):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            found.append(Received(path.stem, at, message))
        return sorted(found, key=lambda r: r.received_at, reverse=True)

    def message(self, name: str) -> EmailMessage | None:
        if not name.isalnum():
            return None
        path = self.directory / f"{name}.eml"
        if not path.exists():
            return None
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message

    def chats(self) -> list[dict[str, Any]]:
        found = [json.loads(p.read_text()) for p in self.directory.glob("*.json")]
        return sorted(found, key=lambda r: str(r["received_at"]), reverse=True)


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
