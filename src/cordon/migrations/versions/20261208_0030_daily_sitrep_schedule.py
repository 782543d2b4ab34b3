"""The time of day at which the worker sends the city's approved daily situation report
(issue 19).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("network_node") as batch:
        batch.add_column(sa.Column("sitrep_daily_at", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("network_node") as batch:
        batch.drop_column("sitrep_daily_at")
