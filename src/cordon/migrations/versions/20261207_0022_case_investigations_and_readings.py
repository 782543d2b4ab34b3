"""Case investigations and the places a case visited; the reading that raised a flag; a
person's sex unknown unless said, in the column too.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SEX = sa.Enum("male", "female", "other", "unknown", name="sex", native_enum=False, length=16)
HOW_FOUND = sa.Enum(
    "contact_tracing",
    "in_quarantine",
    "symptoms",
    "entry_screening",
    "community_screening",
    "other",
    name="howfound",
    native_enum=False,
    length=24,
)


def _investigations() -> None:
    op.create_table(
        "case_investigations",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("how_found", HOW_FOUND, nullable=True),
        sa.Column("occupation", sa.String(length=120), nullable=True),
        sa.Column("workplace", sa.String(length=200), nullable=True),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("conditions_note", sa.String(length=300), nullable=True),
        sa.Column("hospital", sa.String(length=200), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("travel", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_investigations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_investigations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_investigations")),
    )
    op.create_index(
        "ix_case_investigations_person_id", "case_investigations", ["person_id"], unique=False
    )


def _visits() -> None:
    op.create_table(
        "case_visits",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_visits_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_visits_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_visits")),
    )
    op.create_index("ix_case_visits_case_id", "case_visits", ["case_id"], unique=False)
    op.create_index("ix_case_visits_person_id", "case_visits", ["person_id"], unique=False)
    op.create_index("ix_case_visits_days", "case_visits", ["first_on", "last_on"], unique=False)


def upgrade() -> None:
    _investigations()
    _visits()
    with op.batch_alter_table("monitoring_flags") as batch:
        batch.add_column(sa.Column("report_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_monitoring_flags_report_id_self_reports"),
            "self_reports",
            ["report_id"],
            ["id"],
        )
        batch.create_index("ix_monitoring_flags_report_id", ["report_id"], unique=False)
    _sex_default("'unknown'")


def _sex_default(default: str | None) -> None:
    """``people.sex`` defaults to ``default`` (an SQL literal) or to nothing. PostgreSQL alters
    the column in place. SQLite cannot, and a batch rebuild copies the whole registry (a city's
    million people took tens of minutes): it gets SQLite's own procedure for a change that
    leaves the stored rows alone — the table's definition rewritten in ``sqlite_master`` under
    ``writable_schema``, the schema version bumped (sqlite.org/lang_altertable.html, §7)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column(
            "people", "sex", existing_type=SEX, server_default=sa.text(default) if default else None
        )
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'people'").scalar_one()
    column = re.compile(r"(\bsex VARCHAR\(16\))(?: DEFAULT '[a-z]*')?")
    new, found = column.subn(rf"\1 DEFAULT {default}" if default else r"\1", sql, count=1)
    assert found == 1, "people.sex not found in the table's definition"
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'people'", (new,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def downgrade() -> None:
    _sex_default(None)
    with op.batch_alter_table("monitoring_flags") as batch:
        batch.drop_index("ix_monitoring_flags_report_id")
        batch.drop_constraint(
            op.f("fk_monitoring_flags_report_id_self_reports"), type_="foreignkey"
        )
        batch.drop_column("report_id")
    op.drop_table("case_visits")
    op.drop_table("case_investigations")
