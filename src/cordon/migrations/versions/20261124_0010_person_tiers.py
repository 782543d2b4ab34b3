"""Each person's tier now, kept by the tier engine: tier counts and lists read one index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "person_tiers",
        sa.Column("person_id", ID, autoincrement=False, nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ward_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_tiers")),
    )
    # since: the person's last recorded tier move (every label came with one)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO person_tiers (person_id, tier, since, ward_id) "
            "SELECT l.person_id, MIN(l.level), COALESCE((SELECT MAX(c.changed_at) "
            "FROM tier_changes c WHERE c.person_id = l.person_id), :now), "
            "(SELECT p.ward_id FROM people p WHERE p.id = l.person_id) "
            "FROM tier_labels l GROUP BY l.person_id"
        ).bindparams(sa.bindparam("now", dt.datetime.now(dt.UTC), sa.DateTime(timezone=True)))
    )
    op.create_index("ix_person_tiers_tier_person", "person_tiers", ["tier", "person_id"])
    op.create_index("ix_person_tiers_since_person", "person_tiers", ["since", "person_id"])
    op.create_index("ix_person_tiers_ward_tier_since", "person_tiers", ["ward_id", "tier", "since"])
    op.create_index("ix_person_tiers_ward_since", "person_tiers", ["ward_id", "since"])


def downgrade() -> None:
    op.drop_index("ix_person_tiers_ward_since", table_name="person_tiers")
    op.drop_index("ix_person_tiers_ward_tier_since", table_name="person_tiers")
    op.drop_index("ix_person_tiers_since_person", table_name="person_tiers")
    op.drop_index("ix_person_tiers_tier_person", table_name="person_tiers")
    op.drop_table("person_tiers")
