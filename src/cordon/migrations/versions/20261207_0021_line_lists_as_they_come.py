"""Line lists as they come (issue 17 §3): the facts of a case to review (onset after
confirmation, death before it) kept with the case; an import from the web app may keep the
valid rows and hand back the rejected ones.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
    with op.batch_alter_table("import_jobs") as batch_op:
        batch_op.add_column(
            sa.Column("skip_invalid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("errors_file", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rejected_file", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch_op:
        batch_op.drop_column("rejected_file")
        batch_op.drop_column("errors_file")
        batch_op.drop_column("skip_invalid")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("warnings")
