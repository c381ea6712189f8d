"""Pacing syncs: when each MAP's first not-yet-synced notification arrived and when its
latest did (a sync waits for a quiet moment, at most a maximum wait), and the Sheets
calls each service account made in the last minute (a budget every instance shares).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported, so this revision never changes with the code.
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.add_column(sa.Column("first_pending_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("last_notified_at", TIMESTAMP, nullable=True))
    op.create_table(
        "sheets_quota",
        sa.Column("account", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("calls", JSON_DOCUMENT, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("account", "kind", name="pk_sheets_quota"),
    )


def downgrade() -> None:
    op.drop_table("sheets_quota")
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("last_notified_at")
        batch.drop_column("first_pending_at")
