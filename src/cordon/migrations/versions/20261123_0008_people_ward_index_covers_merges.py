"""People's ward index also holds ``merged_into_id``: scoped people counts from the index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_ward_id_merged", ["ward_id", "merged_into_id"])
        batch_op.drop_index("ix_people_ward_id")


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_ward_id", ["ward_id"])
        batch_op.drop_index("ix_people_ward_id_merged")
