"""Early warnings between cities as OASIS CAP 1.2 alerts (issue 19): this city's drafts and
sent alerts, its partners' as received, and the rules' proposals.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "network_warnings",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("peer_id", BIG, sa.ForeignKey("network_peers.id")),
        sa.Column("sender", sa.String(200), nullable=False),
        sa.Column("identifier", sa.String(200), nullable=False),
        sa.Column("chain", sa.String(200), nullable=False),
        sa.Column("msg_type", sa.String(16), nullable=False),
        sa.Column("cap_status", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("alert", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("rule_id", sa.String(40)),
        sa.Column("subject", sa.String(200)),
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
    op.create_index(
        "ux_network_warnings_identifier",
        "network_warnings",
        ["sender", "identifier"],
        unique=True,
    )
    op.create_index(
        "ux_network_warnings_proposal", "network_warnings", ["rule_id", "subject"], unique=True
    )
    op.create_index("ix_network_warnings_chain", "network_warnings", ["sender", "chain"])
    op.create_index(
        "ix_network_warnings_listed", "network_warnings", ["peer_id", "status", "current"]
    )


def downgrade() -> None:
    op.drop_table("network_warnings")
