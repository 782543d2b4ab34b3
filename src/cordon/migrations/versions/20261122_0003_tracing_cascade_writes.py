"""Tier cascades: tier tables without foreign keys; close-exposure indexes carry the id.

See docs/adr/0005-cascade-reads-and-writes.md.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSE_ONLY = "closeness = 'close'"
SIDES = (("person", "person_id", "contact_id"), ("contact", "contact_id", "person_id"))
# (table, constraint, column, referred table)
FOREIGN_KEYS = (
    ("tier_labels", "fk_tier_labels_person_id_people", "person_id", "people"),
    ("tier_labels", "fk_tier_labels_source_case_id_cases", "source_case_id", "cases"),
    ("tier_changes", "fk_tier_changes_person_id_people", "person_id", "people"),
)


def _close_indexes(include: list[str]) -> None:
    """Only PostgreSQL: SQLite's indexes hold the row id already."""
    for side, column, other in SIDES:
        name = f"ix_exposures_close_by_{side}"
        op.drop_index(name, table_name="exposures")
        op.create_index(
            name,
            "exposures",
            [column, other, "first_on", "last_on", "closeness"],
            postgresql_where=sa.text(CLOSE_ONLY),
            postgresql_include=include,
        )


def upgrade() -> None:
    for table in ("tier_labels", "tier_changes"):
        with op.batch_alter_table(table) as batch:
            for owner, name, _column, _referred in FOREIGN_KEYS:
                if owner == table:
                    batch.drop_constraint(name, type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        _close_indexes(["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _close_indexes([])
    for table in ("tier_labels", "tier_changes"):
        with op.batch_alter_table(table) as batch:
            for owner, name, column, referred in FOREIGN_KEYS:
                if owner == table:
                    batch.create_foreign_key(name, referred, [column], ["id"], ondelete="CASCADE")
