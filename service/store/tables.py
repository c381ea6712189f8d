"""The store's tables, as typed SQLAlchemy declarative classes.

These rows never leave the store: its methods return the frozen records of
:mod:`service.store.records`. Every child table refers to ``maps`` and goes with it.
Constraint names follow one convention so migrations name them the same on every
database. The Alembic migrations in ``migrations/versions`` create exactly this schema
(a test compares the two).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.store.column_types import JsonDocument, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SPREADSHEET_ID = String(128)
EMAIL = String(320)


def _map_reference() -> Mapped[str]:
    return mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), nullable=False
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MapRow(Base):
    """The MAP registry: one row per MAP spreadsheet, with the pipeline's summary."""

    __tablename__ = "maps"

    spreadsheet_id: Mapped[str] = mapped_column(SPREADSHEET_ID, primary_key=True)
    map_id: Mapped[str] = mapped_column(String(36), unique=True)
    org: Mapped[str] = mapped_column(String(255), index=True)
    seller_email: Mapped[str] = mapped_column(EMAIL)
    account: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(8))
    committed_go_live: Mapped[date] = mapped_column(Date)
    created_on: Mapped[date] = mapped_column(Date)
    shared_on: Mapped[date | None] = mapped_column(Date)
    buyer_emails: Mapped[list[str]] = mapped_column(JsonDocument)
    calendar_key: Mapped[str] = mapped_column(String(64), unique=True)
    projected_go_live: Mapped[date | None] = mapped_column(Date)
    slip_bd: Mapped[int | None] = mapped_column(Integer)
    health_score: Mapped[int | None] = mapped_column(Integer)
    health_label: Mapped[str | None] = mapped_column(String(32))
    top_risks: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    last_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_edit_on: Mapped[date | None] = mapped_column(Date)
    last_buyer_edit_on: Mapped[date | None] = mapped_column(Date)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The Drive file's version the last sync read (None: not known).
    drive_version: Mapped[str | None] = mapped_column(String(32))
    # The forecast as last computed (the engine's forecast block) and the pipeline's
    # roll-up fields: P(signed by the end of the current quarter), the signature's
    # committed date, the end of the current quarter, and the seller's amount (optional,
    # in whole units of the deal's currency).
    forecast: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    p_signature_quarter: Mapped[float | None] = mapped_column(Float)
    signature_target: Mapped[date | None] = mapped_column(Date)
    quarter_end: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(BigInteger)


class OrgCalibrationRow(Base):
    """Each organisation's calibration, built from its finished MAPs by the daily cron."""

    __tablename__ = "org_calibrations"

    org: Mapped[str] = mapped_column(String(255), primary_key=True)
    plans: Mapped[int] = mapped_column(Integer)
    calibration: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    built_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SnapshotRow(Base):
    """The last few known states of a MAP's sheet, newest = highest version."""

    __tablename__ = "snapshots"

    spreadsheet_id: Mapped[str] = mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)
    plan: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    computed: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    sheet_state: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # A random id given when saved (None: saved before stamps): the same stamp, the same
    # content (see ``Snapshots.latest_snapshot_unless``).
    stamp: Mapped[str | None] = mapped_column(String(32), nullable=True)


class HistoryEventRow(Base):
    """Append-only change log (I7); ``dedupe_key`` makes each detected change land once."""

    __tablename__ = "history_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    spreadsheet_id: Mapped[str] = _map_reference()
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # "on" is an SQL keyword; the records call it ``on``.
    on_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(EMAIL)
    milestone_id: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(128))

    __table_args__ = (
        UniqueConstraint("spreadsheet_id", "dedupe_key"),
        Index(None, "spreadsheet_id", "at"),
    )


class SyncStateRow(Base):
    """Single flight and coalescing of syncs across processes (I4); see sync_leases.py."""

    __tablename__ = "sync_state"

    spreadsheet_id: Mapped[str] = mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), primary_key=True
    )
    requested: Mapped[int] = mapped_column(BigInteger)
    completed: Mapped[int] = mapped_column(BigInteger)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Pacing (see pacing.py in the services): when the first notification no sync has
    # taken on yet arrived (None: none, or not known), and when the latest arrived.
    first_pending_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("completed <= requested", name="completed_le_requested"),)


class SheetsQuotaRow(Base):
    """The Sheets calls one service account made in the last minute, reads and writes
    apart: the budget every instance shares (see quota_budget.py)."""

    __tablename__ = "sheets_quota"

    account: Mapped[str] = mapped_column(EMAIL, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    # The calls' instants (seconds since the epoch), oldest first, within the window.
    calls: Mapped[list[float]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WatchChannelRow(Base):
    """Drive push channels; only a SHA-256 hash of each channel's secret token is kept."""

    __tablename__ = "watch_channels"

    channel_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    spreadsheet_id: Mapped[str] = mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64))
    expiration: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReviewRow(Base):
    """Weekly reviews of a MAP."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    spreadsheet_id: Mapped[str] = _map_reference()
    on_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index(None, "spreadsheet_id", "on_date"),)


class EditEventRow(Base):
    """Recent edits reported by the add-on's trigger: who changed which cell, and when."""

    __tablename__ = "edit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    spreadsheet_id: Mapped[str] = _map_reference()
    sheet: Mapped[str] = mapped_column(String(255))
    a1: Mapped[str] = mapped_column(String(64))
    user_email: Mapped[str] = mapped_column(EMAIL)
    value: Mapped[str | None] = mapped_column(Text)
    old_value: Mapped[str | None] = mapped_column(Text)
    ts: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (Index(None, "spreadsheet_id", "ts"),)


class ReminderSettingsRow(Base):
    """Reminders of one MAP: on or off (on when there is no row), and its chat webhook."""

    __tablename__ = "reminder_settings"

    spreadsheet_id: Mapped[str] = mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean)
    chat_webhook: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReminderOptOutRow(Base):
    """People who asked for no more reminders (any MAP): kept until they opt back in."""

    __tablename__ = "reminder_opt_outs"

    email: Mapped[str] = mapped_column(EMAIL, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxMessageRow(Base):
    """A message decided and waiting to go (or gone): at most one per MAP, purpose,
    recipient and day. ``claimed_until`` is the lease of the sender delivering it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    spreadsheet_id: Mapped[str] = _map_reference()
    purpose: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(EMAIL)
    day: Mapped[date] = mapped_column(Date)
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    send_after: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("spreadsheet_id", "purpose", "recipient", "day"),
        Index(None, "sent_at", "send_after"),
    )


class ReminderKeyRow(Base):
    """Each reminder decided, under its key: recorded with its message, in the same
    transaction, so a reminder is decided (and sent) once."""

    __tablename__ = "reminder_keys"

    spreadsheet_id: Mapped[str] = mapped_column(
        SPREADSHEET_ID, ForeignKey("maps.spreadsheet_id", ondelete="CASCADE"), primary_key=True
    )
    milestone_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UsedLinkRow(Base):
    """One-click links already used (each is single-use): the link's nonce."""

    __tablename__ = "used_links"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    spreadsheet_id: Mapped[str] = _map_reference()
    used_at: Mapped[datetime] = mapped_column(UtcDateTime)
