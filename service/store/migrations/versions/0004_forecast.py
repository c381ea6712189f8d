"""The forecast in the product: each organisation's calibration, and the pipeline's
forecast fields on each MAP (P(signature this quarter), the signature's committed date,
the quarter, the seller's amount, the forecast block).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported, so this revision never changes with the code.
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_MAP_COLUMNS = ("forecast", "p_signature_quarter", "signature_target", "quarter_end", "amount")


def upgrade() -> None:
    op.create_table(
        "org_calibrations",
        sa.Column("org", sa.String(255), nullable=False),
        sa.Column("plans", sa.Integer(), nullable=False),
        sa.Column("calibration", JSON_DOCUMENT, nullable=False),
        sa.Column("built_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("org", name="pk_org_calibrations"),
    )
    with op.batch_alter_table("maps") as batch:
        batch.add_column(sa.Column("forecast", JSON_DOCUMENT, nullable=True))
        batch.add_column(sa.Column("p_signature_quarter", sa.Float(), nullable=True))
        batch.add_column(sa.Column("signature_target", sa.Date(), nullable=True))
        batch.add_column(sa.Column("quarter_end", sa.Date(), nullable=True))
        batch.add_column(sa.Column("amount", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("maps") as batch:
        for column in reversed(_MAP_COLUMNS):
            batch.drop_column(column)
    op.drop_table("org_calibrations")
