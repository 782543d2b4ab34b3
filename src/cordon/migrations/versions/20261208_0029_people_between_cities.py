"""People handed over between partner cities (issue 19, part 4): the shares sent and
received, the personal part of a received one kept sealed to this node's key.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN_SENT = "direction = 'sent' AND state IN ('pending', 'accepted')"


def upgrade() -> None:
    op.create_table(
        "network_shares",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("share_id", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("peer_id", BIG, sa.ForeignKey("network_peers.id"), nullable=False),
        sa.Column("person_id", BIG, sa.ForeignKey("people.id")),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lawful_basis", sa.String(300), nullable=False),
        sa.Column("sealed_to", sa.String(100)),
        sa.Column("sealed", sa.Text()),
        sa.Column("request_distribution_id", sa.String(64), nullable=False),
        sa.Column("answer_distribution_id", sa.String(64)),
        sa.Column("reason", sa.String(300)),
        sa.Column("by_user_id", BIG, sa.ForeignKey("users.id")),
        sa.Column("answered_by_user_id", BIG, sa.ForeignKey("users.id")),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index(
        "ux_network_shares_once",
        "network_shares",
        ["direction", "peer_id", "share_id"],
        unique=True,
    )
    op.create_index(
        "ux_network_shares_open",
        "network_shares",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_SENT),
        postgresql_where=sa.text(OPEN_SENT),
    )
    op.create_index("ix_network_shares_person", "network_shares", ["person_id"])
    op.create_index("ix_network_shares_state", "network_shares", ["direction", "state", "id"])


def downgrade() -> None:
    op.drop_table("network_shares")
