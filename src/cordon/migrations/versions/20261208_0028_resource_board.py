"""Resource requests and offers between cities (issue 19, EDXL-RM): each exchange with a
partner, its items, and the steps it went through.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WORD = sa.String(24)  # an enum's value


def upgrade() -> None:
    op.create_table(
        "network_resource_exchanges",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("side", WORD, nullable=False),
        sa.Column("peer_id", BIG, sa.ForeignKey("network_peers.id"), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("kind", WORD, nullable=False),
        sa.Column("state", WORD, nullable=False),
        sa.Column("status", WORD, nullable=False),
        sa.Column("incident", sa.String(200)),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("period_from", sa.Date()),
        sa.Column("period_to", sa.Date()),
        sa.Column("delivery_place", sa.String(300)),
        sa.Column("conditions", sa.String(1000)),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_role", sa.String(200)),
        sa.Column("contact_phone", sa.String(40)),
        sa.Column("contact_email", sa.String(200)),
        sa.Column("by_user_id", BIG, sa.ForeignKey("users.id")),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index(
        "ux_network_resource_exchanges_message",
        "network_resource_exchanges",
        ["peer_id", "message_id"],
        unique=True,
    )
    op.create_index(
        "ix_network_resource_exchanges_state", "network_resource_exchanges", ["state", "side"]
    )
    op.create_table(
        "network_resource_items",
        sa.Column("id", BIG, primary_key=True),
        sa.Column(
            "exchange_id",
            BIG,
            sa.ForeignKey("network_resource_exchanges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("kind", WORD, nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", WORD, nullable=False),
        sa.Column("role", sa.String(200)),
        sa.Column("from_date", sa.Date()),
        sa.Column("to_date", sa.Date()),
        sa.Column("committed", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ux_network_resource_items_item",
        "network_resource_items",
        ["exchange_id", "item"],
        unique=True,
    )
    op.create_index("ix_network_resource_items_kind", "network_resource_items", ["kind"])
    op.create_table(
        "network_resource_steps",
        sa.Column("id", BIG, primary_key=True),
        sa.Column(
            "exchange_id",
            BIG,
            sa.ForeignKey("network_resource_exchanges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("step", WORD, nullable=False),
        sa.Column("message_kind", sa.String(32)),
        sa.Column("ours", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("answer", WORD),
        sa.Column("reason", sa.String(1000)),
        sa.Column("quantities", sa.JSON()),
        sa.Column("distribution_id", sa.String(64)),
    )
    op.create_index(
        "ix_network_resource_steps_exchange", "network_resource_steps", ["exchange_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("network_resource_steps")
    op.drop_table("network_resource_items")
    op.drop_table("network_resource_exchanges")
