"""Attempts to reach contacts (phone, visit, message) and what came of them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reach_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("phone", "visit", "message", name="channel", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "reached",
                "no_answer",
                "wrong_number",
                "refused",
                "moved_away",
                name="outcome",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("tier", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by_user_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reach_attempts_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_reach_attempts_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reach_attempts")),
    )
    op.create_index("ix_reach_attempts_person_at", "reach_attempts", ["person_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_reach_attempts_person_at", table_name="reach_attempts")
    op.drop_table("reach_attempts")
