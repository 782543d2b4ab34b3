"""Situation reports between cities (issue 19): this city's drafts and sent reports, and its
partners' as received.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "network_sitreps",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("peer_id", BIG, sa.ForeignKey("network_peers.id")),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("population", sa.Integer()),
        sa.Column("new_last_7", sa.Integer(), nullable=False),
        sa.Column("rt_mean", sa.Float()),
        sa.Column("days_since_community_case", sa.Integer()),
        sa.Column("beds_free", sa.Integer()),
        sa.Column("distribution_id", sa.String(64)),
        sa.Column("prepared_by_user_id", BIG, sa.ForeignKey("users.id")),
        sa.Column("approved_by_user_id", BIG, sa.ForeignKey("users.id")),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_network_sitreps_peer_day", "network_sitreps", ["peer_id", "as_of"])


def downgrade() -> None:
    op.drop_table("network_sitreps")
