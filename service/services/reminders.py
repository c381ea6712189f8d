"""The daily reminder run: decide what each MAP owes its owners, record it in the
outbox, and deliver what is due.

Deciding reads only the store (the snapshot the last sync or rollover left): the run
costs no Sheets API call. Each person's message of the day is recorded with the keys
of the reminders it carries in one transaction (``Store.record_decision``); sending is
a separate step over the outbox (:func:`deliver_due`), so a process that dies between
the two leaves the message to the next run, and one that dies mid-send leaves it to be
claimed again when its lease ends (with the same Message-ID).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from service.clock import local_today
from service.domain.agenda import call_agenda
from service.domain.calendar import BusinessCalendar
from service.domain.owners import parse_owner
from service.domain.reminders import (
    DEFAULT_LEAD_BD,
    DueReminders,
    ReminderKind,
    Unreachable,
    delivery_time,
    due_reminders,
)
from service.domain.wording import day_text
from service.services.action_links import ActionLinks
from service.services.map_sheets import MapSheets
from service.services.map_state import MapState
from service.services.reminder_messages import (
    MapHeading,
    chat_content,
    digest_content,
    reminder_content,
)
from service.store.errors import MapNotFound
from service.store.records import MapRecord, NewOutboxMessage, OutboxMessage
from service.store.store import Store

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=10)
RETRY_AFTER = timedelta(minutes=15)


class DeliveryFailed(Exception):
    """A message could not be handed over; it is tried again later."""


class Transport(Protocol):
    """Hands a message over: email (SMTP) or a chat webhook post."""

    def send(self, message: OutboxMessage) -> None: ...


@dataclass
class ReminderDeps:
    store: Store
    sheets: MapSheets  # only to recall a layout's time zone: no API call
    links: ActionLinks
    sheet_url: Callable[[str], str]
    now: Callable[[], datetime]
    lead_bd: int = DEFAULT_LEAD_BD
    # Chat webhooks of organisations, for MAPs without their own.
    org_chat_webhooks: Mapping[str, str] = field(default_factory=dict)
    # False: send as soon as decided, whatever the hour.
    working_hours: bool = True


@dataclass
class RunReport:
    maps: int = 0
    messages: int = 0
    reminders: int = 0
    digests: int = 0
    alerts: int = 0
    unreachable: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "maps": self.maps,
            "messages": self.messages,
            "reminders": self.reminders,
            "digests": self.digests,
            "alerts": self.alerts,
            "unreachable": self.unreachable,
        }


@dataclass(frozen=True)
class MapDay:
    """A MAP as the reminder run sees it on its day."""

    state: MapState
    account: str
    time_zone: str
    today: date
    record: MapRecord


def map_day(deps: ReminderDeps, spreadsheet_id: str) -> MapDay:
    record = deps.store.get_map(spreadsheet_id)
    snapshot = deps.store.latest_snapshot(spreadsheet_id)
    if record is None or snapshot is None:
        raise MapNotFound(spreadsheet_id)
    state = MapState.from_snapshot(snapshot)
    time_zone = deps.sheets.recall(state.sheet).time_zone if state.sheet else "UTC"
    return MapDay(state, record.account, time_zone, local_today(deps.now(), time_zone), record)


def targets(computed: dict[str, Any]) -> dict[str, date | None]:
    """Milestone id -> its target, from a computed plan's JSON."""
    return {
        m["id"]: date.fromisoformat(m["target"]) if m.get("target") else None
        for m in computed.get("milestones", [])
    }


def owed(deps: ReminderDeps, day: MapDay) -> DueReminders:
    """The reminders the MAP owes today, leaving out people who opted out."""
    plan = day.state.plan
    emails = [parse_owner(m.owner)[1] for m in plan.milestones]
    opted_out = deps.store.opted_out(e for e in emails if e)
    return due_reminders(
        plan, targets(day.state.computed), day.today, lead_bd=deps.lead_bd, opted_out=opted_out
    )


@dataclass(frozen=True)
class MapDecision:
    messages: int  # reminder messages (one per person)
    reminders: int  # reminders they carry
    digests: int
    alerts: int
    unreachable: tuple[Unreachable, ...]


def decide_for_map(deps: ReminderDeps, spreadsheet_id: str) -> MapDecision:
    """Records today's messages of one MAP: reminders, the seller's weekly digest, a
    chat alert."""
    day = map_day(deps, spreadsheet_id)
    run = owed(deps, day)
    heading = MapHeading(spreadsheet_id, day.account, deps.sheet_url(spreadsheet_id))
    plan = day.state.plan
    calendar = BusinessCalendar.get(plan.country, plan.non_working_days)
    now = deps.now()
    send_after = delivery_time(now, day.time_zone, calendar) if deps.working_hours else now
    messages = reminders = 0
    for batch in run.batches:
        keys = [(r.key.milestone_id, r.key.kind.value, r.key.on) for r in batch.reminders]
        decided = deps.store.decided_keys(spreadsheet_id, keys)
        fresh = tuple(r for r, k in zip(batch.reminders, keys, strict=True) if k not in decided)
        if not fresh:
            continue
        content = reminder_content(heading, batch.email, batch.name, fresh, day.today, deps.links)
        message = NewOutboxMessage(
            spreadsheet_id=spreadsheet_id,
            purpose="reminders",
            recipient=batch.email.casefold(),
            day=day.today,
            content=content,
            send_after=send_after,
        )
        fresh_keys = [(r.key.milestone_id, r.key.kind.value, r.key.on) for r in fresh]
        if deps.store.record_decision(message, fresh_keys) is not None:
            messages += 1
            reminders += len(fresh)
    return MapDecision(
        messages=messages,
        reminders=reminders,
        digests=_decide_digest(deps, day, heading, run, send_after),
        alerts=_decide_chat_alert(deps, day, heading, run),
        unreachable=run.unreachable,
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _decide_digest(
    deps: ReminderDeps, day: MapDay, heading: MapHeading, run: DueReminders, send_after: datetime
) -> int:
    """The seller's weekly digest: once a week (keyed by the week's Monday)."""
    seller = day.record.seller_email
    if not seller or deps.store.opted_out([seller]):
        return 0
    week_of = week_start(day.today)
    computed = day.state.computed
    projected = computed.get("projected_go_live")
    agenda = call_agenda(day.state.plan, targets(computed), computed.get("risks", []), day.today)
    content = digest_content(
        heading,
        seller,
        week_of=week_of,
        projected=day_text(date.fromisoformat(projected)) if projected else "not known",
        committed=day_text(day.record.committed_go_live),
        agenda=[(item.kind, item.text) for item in agenda],
        unreachable=[f'{u.owner} ("{u.title}")' for u in run.unreachable],
        links=deps.links,
    )
    message = NewOutboxMessage(
        spreadsheet_id=heading.spreadsheet_id,
        purpose="digest",
        recipient=seller.casefold(),
        day=week_of,
        content=content,
        send_after=send_after,
    )
    return 1 if deps.store.record_decision(message) is not None else 0


def _decide_chat_alert(
    deps: ReminderDeps, day: MapDay, heading: MapHeading, run: DueReminders
) -> int:
    """Overdue and slip alerts to the MAP's (or its organisation's) chat webhook: each
    step once when it goes overdue, each new projected go-live past the committed one
    once."""
    settings = deps.store.reminder_settings(heading.spreadsheet_id)
    webhook = settings.chat_webhook or deps.org_chat_webhooks.get(day.record.org, "")
    if not webhook:
        return 0
    overdue = tuple(
        r for b in run.batches for r in b.reminders if r.key.kind is ReminderKind.OVERDUE
    )
    keys = [(r.key.milestone_id, "chat_overdue", r.key.on) for r in overdue]
    slip_bd = int(day.state.computed.get("slip_bd") or 0)
    projected = day.state.computed.get("projected_go_live")
    slip = ""
    if slip_bd > 0 and projected:
        keys.append(("", "chat_slip", date.fromisoformat(projected)))
        slip = (
            f"Go-live now projected for {day_text(date.fromisoformat(projected))}, "
            f"{slip_bd} business days after the committed "
            f"{day_text(day.record.committed_go_live)}."
        )
    decided = deps.store.decided_keys(heading.spreadsheet_id, keys)
    fresh_keys = [k for k in keys if k not in decided]
    if not fresh_keys:
        return 0
    fresh = tuple(r for r, k in zip(overdue, keys, strict=False) if k not in decided)
    if not any(k[1] == "chat_slip" for k in fresh_keys):
        slip = ""
    content = chat_content(
        heading, webhook, overdue=fresh, slip=slip, today=day.today, links=deps.links
    )
    message = NewOutboxMessage(
        spreadsheet_id=heading.spreadsheet_id,
        purpose="alert",
        recipient="chat",
        day=day.today,
        content=content,
        send_after=deps.now(),
    )
    return 1 if deps.store.record_decision(message, fresh_keys) is not None else 0


def decide_all(deps: ReminderDeps) -> RunReport:
    """Today's decision for every MAP whose reminders are on."""
    report = RunReport()
    for spreadsheet_id in deps.store.maps_with_reminders():
        try:
            decision = decide_for_map(deps, spreadsheet_id)
        except MapNotFound:
            report.skipped.append(spreadsheet_id)  # no snapshot yet: never synced
            continue
        report.maps += 1
        report.messages += decision.messages
        report.reminders += decision.reminders
        report.digests += decision.digests
        report.alerts += decision.alerts
        report.unreachable += len(decision.unreachable)
    return report


def deliver_due(
    store: Store,
    transport_for: Callable[[OutboxMessage], Transport],
    now: Callable[[], datetime],
    *,
    batch: int = 50,
    lease: timedelta = SEND_LEASE,
) -> int:
    """Sends every outbox message whose time has come; returns how many were sent."""
    sent = 0
    while claimed := store.claim_messages(limit=batch, lease=lease):
        for message in claimed:
            try:
                transport_for(message).send(message)
            except DeliveryFailed as exc:
                log.warning("delivery of outbox message %s failed: %s", message.id, exc)
                store.release_message(message.id, error=str(exc), retry_at=now() + RETRY_AFTER)
                continue
            store.mark_sent(message.id)
            sent += 1
    return sent


@dataclass(frozen=True)
class Upcoming:
    on: date  # the MAP's day it will be decided
    email: str
    name: str
    milestone_id: str
    title: str
    kind: str


@dataclass(frozen=True)
class RemindersView:
    """The sidebar's Reminders section."""

    enabled: bool
    chat_webhook: bool
    upcoming: list[Upcoming]
    unreachable: list[Unreachable]
    last_sent: list[OutboxMessage]


LOOKAHEAD_DAYS = 7


def reminders_view(deps: ReminderDeps, spreadsheet_id: str) -> RemindersView:
    """Who gets what over the next week (not decided yet), owners without an email,
    and the last messages sent. From the store only."""
    settings = deps.store.reminder_settings(spreadsheet_id)
    day = map_day(deps, spreadsheet_id)
    upcoming: list[Upcoming] = []
    seen: set[tuple[str, str, date]] = set()
    unreachable: list[Unreachable] = []
    for offset in range(LOOKAHEAD_DAYS + 1):
        later = replace(day, today=day.today + timedelta(offset))
        run = owed(deps, later)
        if offset == 0:
            unreachable = list(run.unreachable)
        owed_keys = {
            (r.key.milestone_id, r.key.kind.value, r.key.on): (b, r)
            for b in run.batches
            for r in b.reminders
        }
        fresh = set(owed_keys) - seen
        fresh -= deps.store.decided_keys(spreadsheet_id, fresh)
        for key in sorted(fresh):
            batch, reminder = owed_keys[key]
            upcoming.append(
                Upcoming(later.today, batch.email, batch.name, key[0], reminder.title, key[1])
            )
        seen |= set(owed_keys)
    sent = [m for m in deps.store.outbox_messages(spreadsheet_id, limit=50) if m.sent_at][:5]
    return RemindersView(
        enabled=settings.enabled,
        chat_webhook=bool(settings.chat_webhook),
        upcoming=upcoming,
        unreachable=unreachable,
        last_sent=sent,
    )
