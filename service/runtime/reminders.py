"""Reminders as a process runs them: the signed links, the daily decision's
dependencies and the transports that deliver the outbox, from the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import requests

from service.config import Settings
from service.runtime.mail import ChatTransport, SmtpTransport
from service.services.action_links import ActionLinks
from service.services.backend import Backend
from service.services.map_sheets import MapSheets
from service.services.reminders import (
    DeliveryFailed,
    ReminderDeps,
    Transport,
    decide_all,
    decide_for_map,
    deliver_due,
)
from service.store.errors import MapNotFound
from service.store.records import OutboxMessage


class RemindersNotConfigured(Exception):
    """Something reminders need is not set (the link secret)."""


def build_links(settings: Settings, backend: Backend) -> ActionLinks | None:
    """The one-click links, or None when no link secret is set."""
    secret = settings.resolved_link_secret()
    if not secret:
        return None
    return ActionLinks(
        secret,
        settings.public_url,
        clock=backend.now,
        max_age=timedelta(days=settings.link_max_age_days),
    )


def require_links(links: ActionLinks | None) -> ActionLinks:
    if links is None:
        raise RemindersNotConfigured(
            "MAP_LINK_SECRET is not set: reminders carry signed links and need it"
        )
    return links


def reminder_deps(
    settings: Settings, backend: Backend, links: ActionLinks | None, sheets: MapSheets
) -> ReminderDeps:
    return ReminderDeps(
        store=backend.store,
        sheets=sheets,
        links=require_links(links),
        sheet_url=backend.sheet_url,
        now=backend.now,
        lead_bd=settings.reminder_lead_bd,
        org_chat_webhooks=dict(settings.org_chat_webhooks),
        working_hours=settings.reminder_working_hours,
    )


class _NoSmtp:
    def send(self, message: OutboxMessage) -> None:
        raise DeliveryFailed("no SMTP server is configured (MAP_SMTP_HOST)")


def transports(settings: Settings, http: requests.Session) -> Callable[[OutboxMessage], Transport]:
    """The transport for each outbox message: chat posts to their webhook, the rest by
    email."""
    smtp: Transport = SmtpTransport(settings) if settings.smtp_host else _NoSmtp()
    capture = ""
    if settings.google_mode == "local":
        capture = f"{settings.public_url.rstrip('/')}/local/chat"
    chat = ChatTransport(http, capture_url=capture)

    def pick(message: OutboxMessage) -> Transport:
        return chat if message.recipient == "chat" else smtp

    return pick


def run_reminders(
    settings: Settings, backend: Backend, links: ActionLinks | None, http: requests.Session
) -> dict[str, int]:
    """The cron job: decide every MAP's messages of today, then deliver what is due.
    :class:`RemindersNotConfigured` first of all when links cannot be signed."""
    signed = require_links(links)
    with backend.sheets() as sheets:
        report = decide_all(reminder_deps(settings, backend, signed, sheets))
    sent = deliver_due(
        backend.store,
        transports(settings, http),
        backend.now,
        lease=timedelta(seconds=settings.reminder_send_lease_s),
    )
    return {**report.to_json(), "sent": sent}


def remind_map(
    settings: Settings,
    backend: Backend,
    links: ActionLinks | None,
    http: requests.Session,
    spreadsheet_id: str,
) -> dict[str, int]:
    """One MAP's share of the reminders job, as its Cloud Task runs it: today's decision
    for the MAP, then delivery of whatever is due (any MAP's: each message is claimed
    under a lease, so tasks running side by side never send one twice). A MAP never
    synced has nothing to decide (``maps`` 0)."""
    signed = require_links(links)
    with backend.sheets() as sheets:
        deps = reminder_deps(settings, backend, signed, sheets)
        try:
            decision = decide_for_map(deps, spreadsheet_id)
        except MapNotFound:
            decision = None
    sent = deliver_due(
        backend.store,
        transports(settings, http),
        backend.now,
        lease=timedelta(seconds=settings.reminder_send_lease_s),
    )
    if decision is None:
        return {
            "maps": 0,
            "messages": 0,
            "reminders": 0,
            "digests": 0,
            "alerts": 0,
            "unreachable": 0,
            "sent": sent,
        }
    return {
        "maps": 1,
        "messages": decision.messages,
        "reminders": decision.reminders,
        "digests": decision.digests,
        "alerts": decision.alerts,
        "unreachable": len(decision.unreachable),
        "sent": sent,
    }
