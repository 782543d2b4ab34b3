"""Public counts per day and ward (the dashboard and open data read only these) and their
freshness.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTS = ("community", "imported", "in_quarantine", "unclassified", "recovered", "deaths")


def upgrade() -> None:
    op.create_table(
        "public_daily_counts",
        sa.Column("ward_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("ward_id", "day"),
    )
    op.create_index("ix_public_daily_counts_day", "public_daily_counts", ["day"])
    op.create_table(
        "public_freshness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # counted from the registry as it stands
    op.execute("INSERT INTO public_freshness (id, version, refreshed_at) VALUES (1, 0, NULL)")


def downgrade() -> None:
    op.drop_table("public_freshness")
    op.drop_index("ix_public_daily_counts_day", table_name="public_daily_counts")
    op.drop_table("public_daily_counts")
