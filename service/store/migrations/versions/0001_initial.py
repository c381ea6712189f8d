"""Initial schema: maps, snapshots, history, sync state, channels, reviews, edit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported, so this revision never changes with the code.
SPREADSHEET_ID = sa.String(128)
EMAIL = sa.String(320)
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _map_reference(table: str) -> sa.Column[str]:
    return sa.Column(
        "spreadsheet_id",
        SPREADSHEET_ID,
        sa.ForeignKey(
            "maps.spreadsheet_id", name=f"fk_{table}_spreadsheet_id_maps", ondelete="CASCADE"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "maps",
        sa.Column("spreadsheet_id", SPREADSHEET_ID, nullable=False),
        sa.Column("map_id", sa.String(36), nullable=False),
        sa.Column("org", sa.String(255), nullable=False),
        sa.Column("seller_email", EMAIL, nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("committed_go_live", sa.Date(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("shared_on", sa.Date(), nullable=True),
        sa.Column("buyer_emails", JSON_DOCUMENT, nullable=False),
        sa.Column("calendar_key", sa.String(64), nullable=False),
        sa.Column("projected_go_live", sa.Date(), nullable=True),
        sa.Column("slip_bd", sa.Integer(), nullable=True),
        sa.Column("health_score", sa.Integer(), nullable=True),
        sa.Column("health_label", sa.String(32), nullable=True),
        sa.Column("top_risks", JSON_DOCUMENT, nullable=False),
        sa.Column("last_synced_at", TIMESTAMP, nullable=True),
        sa.Column("last_read_at", TIMESTAMP, nullable=True),
        sa.Column("last_edit_on", sa.Date(), nullable=True),
        sa.Column("last_buyer_edit_on", sa.Date(), nullable=True),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("spreadsheet_id", name="pk_maps"),
        sa.UniqueConstraint("map_id", name="uq_maps_map_id"),
        sa.UniqueConstraint("calendar_key", name="uq_maps_calendar_key"),
    )
    op.create_index("ix_maps_org", "maps", ["org"])

    op.create_table(
        "snapshots",
        _map_reference("snapshots"),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("taken_at", TIMESTAMP, nullable=False),
        sa.Column("plan", JSON_DOCUMENT, nullable=False),
        sa.Column("computed", JSON_DOCUMENT, nullable=False),
        sa.Column("sheet_state", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("spreadsheet_id", "version", name="pk_snapshots"),
    )

    op.create_table(
        "history_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _map_reference("history_events"),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("actor", EMAIL, nullable=False),
        sa.Column("milestone_id", sa.String(64), nullable=True),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history_events"),
        sa.UniqueConstraint(
            "spreadsheet_id", "dedupe_key", name="uq_history_events_spreadsheet_id_dedupe_key"
        ),
    )
    op.create_index(
        "ix_history_events_spreadsheet_id_at", "history_events", ["spreadsheet_id", "at"]
    )

    op.create_table(
        "sync_state",
        _map_reference("sync_state"),
        sa.Column("requested", sa.BigInteger(), nullable=False),
        sa.Column("completed", sa.BigInteger(), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("spreadsheet_id", name="pk_sync_state"),
        sa.CheckConstraint("completed <= requested", name="ck_sync_state_completed_le_requested"),
    )

    op.create_table(
        "watch_channels",
        sa.Column("channel_id", sa.String(128), nullable=False),
        _map_reference("watch_channels"),
        sa.Column("resource_id", sa.String(255), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expiration", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name="pk_watch_channels"),
    )
    op.create_index("ix_watch_channels_spreadsheet_id", "watch_channels", ["spreadsheet_id"])
    op.create_index("ix_watch_channels_expiration", "watch_channels", ["expiration"])

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _map_reference("reviews"),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("summary", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_spreadsheet_id_on_date", "reviews", ["spreadsheet_id", "on_date"])

    op.create_table(
        "edit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _map_reference("edit_events"),
        sa.Column("sheet", sa.String(255), nullable=False),
        sa.Column("a1", sa.String(64), nullable=False),
        sa.Column("user_email", EMAIL, nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("ts", TIMESTAMP, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_edit_events"),
    )
    op.create_index("ix_edit_events_spreadsheet_id_ts", "edit_events", ["spreadsheet_id", "ts"])
    op.create_index("ix_edit_events_received_at", "edit_events", ["received_at"])


def downgrade() -> None:
    for table in ("edit_events", "reviews", "watch_channels", "sync_state", "history_events"):
        op.drop_table(table)
    op.drop_table("snapshots")
    op.drop_table("maps")
