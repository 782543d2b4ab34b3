"""Isolation facilities, isolation orders and the lab tasks of their test days.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "facilitykind",
                "hospital",
                "military_camp",
                "hotel",
                "field_hospital",
                "dormitory",
                "other",
            ),
            nullable=False,
        ),
        sa.Column("ward_id", ID, nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("status", _enum("facilitystatus", "open", "full", "closed"), nullable=False),
        sa.Column("manager_user_id", ID, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["admin_units.id"], name=op.f("fk_facilities_ward_id_admin_units")
        ),
        sa.ForeignKeyConstraint(
            ["manager_user_id"], ["users.id"], name=op.f("fk_facilities_manager_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("code", name=op.f("uq_facilities_code")),
    )
    op.create_index("ix_facilities_ward_id", "facilities", ["ward_id"])
    op.create_index("ix_facilities_manager_user_id", "facilities", ["manager_user_id"])
    op.create_table(
        "isolation_orders",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column(
            "status",
            _enum(
                "orderstatus", "proposed", "confirmed", "declined", "replaced", "ended", "released"
            ),
            nullable=False,
        ),
        sa.Column("place", _enum("place", "facility", "home", "monitoring"), nullable=False),
        sa.Column("facility_id", ID, nullable=True),
        sa.Column("regime_id", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=True),
        sa.Column("last_exposure_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("monitor_until", sa.Date(), nullable=True),
        sa.Column("replaces_id", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(length=300), nullable=True),
        sa.Column("ward_id", ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_isolation_orders_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_isolation_orders_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["isolation_orders.id"],
            name=op.f("fk_isolation_orders_replaces_id_isolation_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_isolation_orders_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_isolation_orders")),
    )
    op.create_index(
        "ix_isolation_orders_person_status", "isolation_orders", ["person_id", "status"]
    )
    op.create_index(
        "ix_isolation_orders_facility_status", "isolation_orders", ["facility_id", "status"]
    )
    op.create_index(
        "ix_isolation_orders_ward_status_ends", "isolation_orders", ["ward_id", "status", "ends_on"]
    )
    op.create_table(
        "lab_tasks",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("status", _enum("taskstatus", "scheduled", "done", "cancelled"), nullable=False),
        sa.Column("lab_test_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_lab_tasks_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["isolation_orders.id"],
            name=op.f("fk_lab_tasks_order_id_isolation_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["lab_test_id"], ["lab_tests.id"], name=op.f("fk_lab_tasks_lab_test_id_lab_tests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_tasks")),
    )
    op.create_index("ix_lab_tasks_due_status", "lab_tasks", ["due_on", "status"])
    op.create_index("ix_lab_tasks_person_id", "lab_tasks", ["person_id"])
    op.create_index("ix_lab_tasks_order_id", "lab_tasks", ["order_id"])


def downgrade() -> None:
    op.drop_table("lab_tasks")
    op.drop_table("isolation_orders")
    op.drop_table("facilities")
