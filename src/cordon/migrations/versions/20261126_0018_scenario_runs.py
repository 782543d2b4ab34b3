"""Scenario runs started from the API or the web app: the scenario as run, its progress and
its figures (docs/scenarios.md).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUS = sa.Enum(
    "queued", "running", "done", "failed", name="runstatus", native_enum=False, length=16
)


def upgrade() -> None:
    op.create_table(
        "scenario_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("from_registry", sa.Boolean(), nullable=False),
        sa.Column("registry_figures", sa.JSON(), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("runs_done", sa.Integer(), nullable=False),
        sa.Column("runs_total", sa.Integer(), nullable=False),
        sa.Column("started_by", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_scenario_runs_started_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_runs")),
    )
    op.create_index("ix_scenario_runs_started_by", "scenario_runs", ["started_by"])
    op.create_index("ix_scenario_runs_status_id", "scenario_runs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_scenario_runs_status_id", table_name="scenario_runs")
    op.drop_index("ix_scenario_runs_started_by", table_name="scenario_runs")
    op.drop_table("scenario_runs")
