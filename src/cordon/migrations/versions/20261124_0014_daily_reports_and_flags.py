"""Daily self-reports of people in isolation and the flags they raise.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


def upgrade() -> None:
    op.create_table(
        "self_reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("temperature", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reporter", _enum("reporter", "self", "household", "worker"), nullable=False),
        sa.Column("by_user_id", ID, nullable=True),
        sa.Column("submission", sa.String(length=64), nullable=False),
        sa.Column("ward_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_self_reports_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["isolation_orders.id"],
            name=op.f("fk_self_reports_order_id_isolation_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_self_reports_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_reports")),
        sa.UniqueConstraint("submission", name=op.f("uq_self_reports_submission")),
    )
    op.create_index("ix_self_reports_person_id", "self_reports", ["person_id"])
    op.create_index("ix_self_reports_order_day", "self_reports", ["order_id", "reported_on"])
    op.create_index("ix_self_reports_ward_day", "self_reports", ["ward_id", "reported_on"])
    op.create_table(
        "monitoring_flags",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column(
            "kind",
            _enum("flagkind", "missed_report", "fever", "symptoms", "positive_test"),
            nullable=False,
        ),
        sa.Column("status", _enum("flagstatus", "open", "closed"), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ward_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_monitoring_flags_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["isolation_orders.id"],
            name=op.f("fk_monitoring_flags_order_id_isolation_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_monitoring_flags_closed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_flags")),
        sa.UniqueConstraint("order_id", "kind", "raised_on", name="uq_monitoring_flags_once_a_day"),
    )
    op.create_index("ix_monitoring_flags_person_id", "monitoring_flags", ["person_id"])
    op.create_index("ix_monitoring_flags_ward_status", "monitoring_flags", ["ward_id", "status"])
    with op.batch_alter_table("isolation_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_report_on", sa.Date(), server_default="1970-01-01", nullable=False)
        )
        batch_op.create_index(
            "ix_isolation_orders_ward_status_report", ["ward_id", "status", "last_report_on"]
        )


def downgrade() -> None:
    with op.batch_alter_table("isolation_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_isolation_orders_ward_status_report")
        batch_op.drop_column("last_report_on")
    op.drop_table("monitoring_flags")
    op.drop_table("self_reports")
