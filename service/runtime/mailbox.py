"""The mailbox of local mode: messages the embedded SMTP server received, kept as
``.eml`` files under ``DATA/mailbox`` (named from their Message-ID, so a message sent
twice is kept once), and chat posts the capture endpoint received, as ``.json``. The
Outbox page shows both."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

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
