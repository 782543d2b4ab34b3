"""The lists a tracer lives in: the case list sorted by onset, and the people to follow up
sorted by the day of their exposure, read in an index's order (bench/README.md, issue 17).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_cases_onset_on", "cases", ["onset_on"])
    op.create_index("ix_tier_labels_exposed_person", "tier_labels", ["exposed_on", "person_id"])


def downgrade() -> None:
    op.drop_index("ix_tier_labels_exposed_person", table_name="tier_labels")
    op.drop_index("ix_cases_onset_on", table_name="cases")
