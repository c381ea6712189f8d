"""What the store hands out and takes in: frozen values, free of any database session.

Timestamps (``*_at``, ``lease_until``, ``expiration``, ``ts``) are aware UTC datetimes;
``*_on`` fields are calendar dates. JSON documents are plain ``dict``/``list`` values as
``json`` would load them (dates inside them are ISO strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypedDict


class MapSort(StrEnum):
    """Orders of the pipeline (``list_maps``)."""

    RISK = "risk"  # lowest health score first
    SLIP = "slip"  # most business days of slip first
    GO_LIVE = "go_live"  # earliest go-live first (projected, else committed)
    ACCOUNT = "account"  # account name, A to Z
    SIGNATURE = "signature"  # most likely to sign this quarter first


class HistorySource(StrEnum):
    """Which path detected a change."""

    SYNC = "sync"
    HOOK = "hook"
    REVIEW = "review"
    PROVISION = "provision"


@dataclass(frozen=True, slots=True)
class MapRecord:
    spreadsheet_id: str
    map_id: str
    org: str
    seller_email: str
    account: str
    outcome: str
    template: str
    country: str
    committed_go_live: date
    created_on: date
    shared_on: date | None
    buyer_emails: tuple[str, ...]
    calendar_key: str | None  # None: the feed is turned off
    projected_go_live: date | None
    slip_bd: int | None
    health_score: int | None
    health_label: str | None
    top_risks: list[dict[str, Any]]
    last_synced_at: datetime | None
    last_read_at: datetime | None
    last_edit_on: date | None
    last_buyer_edit_on: date | None
    last_reviewed_on: date | None
    created_at: datetime
    updated_at: datetime
    drive_version: str | None = None  # the Drive file's version the last sync read
    forecast: dict[str, Any] | None = None
    p_signature_quarter: float | None = None
    signature_target: date | None = None
    quarter_end: date | None = None
    amount: int | None = None


class MapChanges(TypedDict, total=False):
    """The fields ``update_map`` may change; ids, org, calendar key and creation stay."""

    seller_email: str
    account: str
    outcome: str
    template: str
    country: str
    committed_go_live: date
    shared_on: date | None
    buyer_emails: list[str] | tuple[str, ...]
    projected_go_live: date | None
    slip_bd: int | None
    health_score: int | None
    health_label: str | None
    top_risks: list[dict[str, Any]]
    last_synced_at: datetime | None
    last_read_at: datetime | None
    last_edit_on: date | None
    last_buyer_edit_on: date | None
    last_reviewed_on: date | None
    drive_version: str | None
    forecast: dict[str, Any] | None
    p_signature_quarter: float | None
    signature_target: date | None
    quarter_end: date | None
    amount: int | None


@dataclass(frozen=True, slots=True)
class OrgCalibration:
    """An organisation's calibration (the JSON of ``Calibration.to_json``)."""

    org: str
    plans: int  # finished MAPs that gave at least one observation
    calibration: dict[str, Any]
    built_at: datetime


@dataclass(frozen=True, slots=True)
class Snapshot:
    spreadsheet_id: str
    version: int
    taken_at: datetime
    plan: dict[str, Any]
    computed: dict[str, Any]
    sheet_state: dict[str, Any]
    stamp: str | None = None  # given when saved: None for a snapshot saved before stamps


@dataclass(frozen=True, slots=True)
class NewHistoryEvent:
    """A detected change to record. ``dedupe_key`` names the change: the same change,
    detected twice (two processes, a retried sync), carries the same key and is recorded
    once. Build it with :func:`service.store.history.history_dedupe_key`."""

    spreadsheet_id: str
    on: date
    field: str
    old: str | None
    new: str | None
    source: HistorySource
    dedupe_key: str
    actor: str = ""
    milestone_id: str | None = None
    reason: str = ""
    at: datetime | None = None  # None: the store's clock


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    id: int
    spreadsheet_id: str
    at: datetime
    on: date
    actor: str
    milestone_id: str | None
    field: str
    old: str | None
    new: str | None
    reason: str
    source: HistorySource
    dedupe_key: str


@dataclass(frozen=True, slots=True)
class SyncState:
    spreadsheet_id: str
    requested: int  # generation of the latest change notification
    completed: int  # generation covered by the last finished sync
    lease_owner: str | None
    lease_until: datetime | None
    last_error: str | None
    attempts: int  # failed syncs since the last one that finished
    updated_at: datetime
    # When the first notification no sync has taken on yet arrived, and the latest.
    first_pending_at: datetime | None = None
    last_notified_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.requested > self.completed


@dataclass(frozen=True, slots=True)
class WatchChannel:
    channel_id: str
    spreadsheet_id: str
    resource_id: str
    expiration: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    spreadsheet_id: str
    on: date
    summary: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EditEvent:
    id: int
    spreadsheet_id: str
    sheet: str
    a1: str
    user_email: str  # "" when Apps Script did not say (editors outside the domain)
    value: str | None
    old_value: str | None
    ts: datetime  # when the edit happened, as the trigger reported it
    received_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    spreadsheet_id: str
    enabled: bool
    chat_webhook: str  # "" = none for this MAP


@dataclass(frozen=True, slots=True)
class NewOutboxMessage:
    """A message to record with the reminder keys it carries (see ``record_decision``).
    ``purpose``: "reminders", "digest" or "alert"; ``recipient``: an email, or
    ``chat`` for the MAP's chat webhook. ``day``: the MAP's day it was decided on."""

    spreadsheet_id: str
    purpose: str
    recipient: str
    day: date
    content: dict[str, Any]
    send_after: datetime


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    spreadsheet_id: str
    purpose: str
    recipient: str
    day: date
    content: dict[str, Any]
    send_after: datetime
    claimed_until: datetime | None
    attempts: int
    sent_at: datetime | None
    last_error: str | None
    created_at: datetime
