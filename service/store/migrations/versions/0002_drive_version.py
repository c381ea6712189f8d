"""The Drive file version each MAP was last synced at (the sweep reads only MAPs whose
file changed since).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("maps") as batch:
        batch.add_column(sa.Column("drive_version", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("maps") as batch:
        batch.drop_column("drive_version")
