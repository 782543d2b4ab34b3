"""The day of the exposure that gives a person their tier, copied onto ``person_tiers`` with
its indexes: the people to follow up are filtered and sorted by it without reading the
labels (a district's list read 40,000 labels a page: bench/README.md, issue 17). The labels'
own index by day, which only that list read, goes.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person_tiers", sa.Column("exposed_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE person_tiers SET exposed_on = (SELECT l.exposed_on FROM tier_labels l "
        "WHERE l.person_id = person_tiers.person_id AND l.level = person_tiers.tier)"
    )
    op.create_index("ix_person_tiers_ward_exposed", "person_tiers", ["ward_id", "exposed_on"])
    op.create_index("ix_person_tiers_exposed_person", "person_tiers", ["exposed_on", "person_id"])
    op.drop_index("ix_tier_labels_exposed_person", table_name="tier_labels")


def downgrade() -> None:
    op.create_index("ix_tier_labels_exposed_person", "tier_labels", ["exposed_on", "person_id"])
    op.drop_index("ix_person_tiers_exposed_person", table_name="person_tiers")
    op.drop_index("ix_person_tiers_ward_exposed", table_name="person_tiers")
    with op.batch_alter_table("person_tiers") as batch:
        batch.drop_column("exposed_on")
