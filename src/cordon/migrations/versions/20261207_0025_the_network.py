"""The inter-city network (issue 19, ADR 0021): this node's identity and keys, its peers
and their keys, the messages exchanged; the outbox's index that keeps a channel in order
per recipient.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "network_node",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("node_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("contact", sa.String(300)),
        sa.Column("population", sa.Integer()),
        *_stamps(),
    )
    op.create_table(
        "network_node_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.String(100), nullable=False, unique=True),
        sa.Column("use", sa.String(16), nullable=False),
        sa.Column("public", sa.String(64), nullable=False),
        sa.Column("private_sealed", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        *_stamps(),
    )
    op.create_table(
        "network_peers",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("node_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("contact", sa.String(300)),
        sa.Column("population", sa.Integer()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("may_send", sa.JSON(), nullable=False),
        sa.Column("may_receive", sa.JSON(), nullable=False),
        sa.Column("handovers", sa.Boolean(), nullable=False),
        sa.Column("lawful_basis", sa.String(300)),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
    )
    op.create_table(
        "network_peer_keys",
        sa.Column("id", BIG, primary_key=True),
        sa.Column(
            "peer_id",
            BIG,
            sa.ForeignKey("network_peers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key_id", sa.String(100), nullable=False, unique=True),
        sa.Column("use", sa.String(16), nullable=False),
        sa.Column("public", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        *_stamps(),
    )
    op.create_index("ix_network_peer_keys_peer", "network_peer_keys", ["peer_id"])
    op.create_table(
        "network_messages",
        sa.Column("id", BIG, primary_key=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("peer_id", BIG, sa.ForeignKey("network_peers.id"), nullable=False),
        sa.Column("distribution_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.Column("signature_input", sa.Text()),
        sa.Column("signature", sa.Text()),
        sa.Column("outbox_message_id", BIG),
        sa.Column("by_user_id", BIG, sa.ForeignKey("users.id")),
        *_stamps(),
    )
    op.create_index(
        "ux_network_messages_once",
        "network_messages",
        ["direction", "peer_id", "distribution_id"],
        unique=True,
    )
    op.create_index(
        "ix_network_messages_kind", "network_messages", ["kind", "direction", "sent_at"]
    )
    op.create_index(
        "ix_outbox_messages_recipient", "outbox_messages", ["channel", "recipient", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_recipient", table_name="outbox_messages")
    op.drop_table("network_messages")
    op.drop_table("network_peer_keys")
    op.drop_table("network_peers")
    op.drop_table("network_node_keys")
    op.drop_table("network_node")
