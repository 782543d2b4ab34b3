"""Cases carry their person's ward, so a ward's or district's case list reads one index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ward_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
        )
    op.execute(
        "UPDATE cases SET ward_id = (SELECT people.ward_id FROM people "
        "WHERE people.id = cases.person_id)"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_ward_id_id", ["ward_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_ward_id_id")
        batch_op.drop_column("ward_id")
