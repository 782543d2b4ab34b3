"""Where a user is alerted (flags of people in isolation): a phone for SMS, an e-mail; and
the transfers of orders in force from one place to another.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PLACE = sa.Enum("facility", "home", "monitoring", name="place", native_enum=False, length=24)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("alert_phone", sa.String(20), nullable=True))
        batch.add_column(sa.Column("alert_email", sa.String(254), nullable=True))
    op.create_table(
        "isolation_transfers",
        sa.Column("id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("from_place", PLACE, nullable=False),
        sa.Column("from_facility_id", ID, nullable=True),
        sa.Column("to_place", PLACE, nullable=False),
        sa.Column("to_facility_id", ID, nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("by_user_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["isolation_orders.id"]),
        sa.ForeignKeyConstraint(["from_facility_id"], ["facilities.id"]),
        sa.ForeignKeyConstraint(["to_facility_id"], ["facilities.id"]),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_isolation_transfers_order_id", "isolation_transfers", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_isolation_transfers_order_id", table_name="isolation_transfers")
    op.drop_table("isolation_transfers")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("alert_email")
        batch.drop_column("alert_phone")
