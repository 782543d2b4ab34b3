"""COVID-19 vaccination of people as declared: doses and the day of the last one (the
isolation regimes from December 2021 tell a vaccinated F1 apart).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("vaccine_doses", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("last_dose_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("last_dose_on")
        batch.drop_column("vaccine_doses")
