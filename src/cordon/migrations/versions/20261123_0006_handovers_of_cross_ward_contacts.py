"""Handovers: contacts passed to the ward where they live.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "exposure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "from_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "to_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "accepted",
                "completed",
                "declined",
                "cancelled",
                name="handoverstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sent_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column(
            "answered_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_handovers_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["exposure_id"],
            ["exposures.id"],
            name=op.f("fk_handovers_exposure_id_exposures"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_unit_id"], ["admin_units.id"], name=op.f("fk_handovers_from_unit_id_admin_units")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_handovers_person_id_people")
        ),
        sa.ForeignKeyConstraint(["sent_by"], ["users.id"], name=op.f("fk_handovers_sent_by_users")),
        sa.ForeignKeyConstraint(
            ["to_unit_id"], ["admin_units.id"], name=op.f("fk_handovers_to_unit_id_admin_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handovers_exposure_id"), ["exposure_id"], unique=False)
        batch_op.create_index("ix_handovers_from_status", ["from_unit_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_handovers_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_handovers_to_status", ["to_unit_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index("ix_handovers_to_status")
        batch_op.drop_index(batch_op.f("ix_handovers_person_id"))
        batch_op.drop_index("ix_handovers_from_status")
        batch_op.drop_index(batch_op.f("ix_handovers_exposure_id"))

    op.drop_table("handovers")
