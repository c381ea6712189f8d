"""Delivering outbox messages: email over SMTP (any provider), chat over webhooks.

SMTP: one connection per delivery run, STARTTLS when configured (always verified
against the system's CAs), login when a user is set. Each message's Message-ID comes
from its outbox row, so a message sent again after a crash mid-send is the same message
to the recipient's mail system.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

import requests

from service.config import Settings
from service.services.reminders import DeliveryFailed
from service.store.records import OutboxMessage


def message_id(message: OutboxMessage, domain: str) -> str:
    digest = hashlib.sha256(f"{message.spreadsheet_id}/{message.id}".encode()).hexdigest()[:24]
    return f"<map-{message.id}-{digest}@{domain}>"


def email_for(message: OutboxMessage, mail_from: str) -> EmailMessage:
    content: dict[str, Any] = message.content
    sender = parseaddr(mail_from)
    domain = sender[1].rsplit("@", 1)[-1] or "map.local"
    email = EmailMessage()
    email["From"] = formataddr(sender)
    email["To"] = formataddr((content.get("to_name", ""), content["to"]))
    email["Subject"] = content["subject"]
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message, domain)
    email["Auto-Submitted"] = "auto-generated"
    for name, value in content.get("headers", {}).items():
        email[name] = value
    email.set_content(content["text"])
    if content.get("html"):
        email.add_alternative(content["html"], subtype="html")
    return email


class SmtpTransport:
    def __init__(self, settings: Settings, *, host: str = "", port: int = 0) -> None:
        self.host = host or settings.smtp_host
        self.port = port or settings.smtp_port
        self.starttls = settings.smtp_starttls if not host else False
        self.user = settings.smtp_user
        self.password = settings.smtp_password.get_secret_value()
        self.timeout = settings.smtp_timeout_s
        self.mail_from = settings.mail_from

    def send(self, message: OutboxMessage) -> None:
        email = email_for(message, self.mail_from)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            # The reply, never the password: smtplib's errors do not carry it.
            raise DeliveryFailed(f"SMTP {self.host}:{self.port}: {exc}") from exc


class ChatTransport:
    """Posts ``content["chat"]`` (``{"text": ...}``: what Google Chat and Slack incoming
    webhooks both accept) to the webhook in ``content["webhook"]``."""

    def __init__(
        self, session: requests.Session, *, timeout: float = 10.0, capture_url: str = ""
    ) -> None:
        self.session = session
        self.timeout = timeout
        # Local mode: every webhook goes to the backend's capture endpoint instead.
        self.capture_url = capture_url

    def url_for(self, webhook: str) -> str:
        if not self.capture_url:
            return webhook
        return f"{self.capture_url}/{hashlib.sha256(webhook.encode()).hexdigest()[:16]}"

    def send(self, message: OutboxMessage) -> None:
        content = message.content
        try:
            reply = self.session.post(
                self.url_for(content["webhook"]), json=content["chat"], timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise DeliveryFailed(f"chat webhook: {type(exc).__name__}") from exc
        if reply.status_code >= 300:
            raise DeliveryFailed(f"chat webhook answered {reply.status_code}")
