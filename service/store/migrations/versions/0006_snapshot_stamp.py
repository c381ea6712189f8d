"""A stamp on each snapshot: a random id given when it is saved, so that a process that
saved or loaded a snapshot knows, by asking for its stamp alone, that it still holds
the latest one (and need not read and parse it again).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Snapshots saved before have none: they are read in full, as before.
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("stamp", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("stamp")
