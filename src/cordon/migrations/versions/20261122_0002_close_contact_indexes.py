"""Partial covering indexes of close exposures, for the tier engine's cascades.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSE_ONLY = "closeness = 'close'"
SIDES = (("person", "person_id", "contact_id"), ("contact", "contact_id", "person_id"))


def upgrade() -> None:
    for side, column, other in SIDES:
        op.create_index(
            f"ix_exposures_close_by_{side}",
            "exposures",
            [column, other, "first_on", "last_on", "closeness"],
            sqlite_where=sa.text(CLOSE_ONLY),
            postgresql_where=sa.text(CLOSE_ONLY),
        )


def downgrade() -> None:
    for side, _column, _other in SIDES:
        op.drop_index(f"ix_exposures_close_by_{side}", table_name="exposures")
