"""Reminders: per-MAP settings, opt-outs, the outbox and its reminder keys, used links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
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
        "reminder_settings",
        _map_reference("reminder_settings"),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("chat_webhook", sa.Text(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("spreadsheet_id", name="pk_reminder_settings"),
    )
    op.create_table(
        "reminder_opt_outs",
        sa.Column("email", EMAIL, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("email", name="pk_reminder_opt_outs"),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _map_reference("outbox_messages"),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("recipient", EMAIL, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("content", JSON_DOCUMENT, nullable=False),
        sa.Column("send_after", TIMESTAMP, nullable=False),
        sa.Column("claimed_until", TIMESTAMP, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_messages"),
        sa.UniqueConstraint(
            "spreadsheet_id",
            "purpose",
            "recipient",
            "day",
            name="uq_outbox_messages_spreadsheet_id_purpose_recipient_day",
        ),
    )
    op.create_index(
        "ix_outbox_messages_sent_at_send_after", "outbox_messages", ["sent_at", "send_after"]
    )
    op.create_table(
        "reminder_keys",
        _map_reference("reminder_keys"),
        sa.Column("milestone_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey(
                "outbox_messages.id",
                name="fk_reminder_keys_message_id_outbox_messages",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint(
            "spreadsheet_id", "milestone_id", "kind", "on_date", name="pk_reminder_keys"
        ),
    )
    op.create_index("ix_reminder_keys_message_id", "reminder_keys", ["message_id"])
    op.create_table(
        "used_links",
        sa.Column("nonce", sa.String(64), nullable=False),
        _map_reference("used_links"),
        sa.Column("used_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_used_links"),
    )


def downgrade() -> None:
    for table in (
        "used_links",
        "reminder_keys",
        "outbox_messages",
        "reminder_opt_outs",
        "reminder_settings",
    ):
        op.drop_table(table)
