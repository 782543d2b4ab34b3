from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime, utcnow
from cordon.isolation.enums import OrderStatus, Place, TaskStatus


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=24)


class IsolationOrder(Base, Timestamped):
    """A person placed somewhere for a period, by the regime in force: proposed, then
    confirmed (or declined) by an officer; replaced, ended or released later.

    Dates count from the last exposure (``regimes.plan``): ``starts_on`` is the first day of
    isolation, ``ends_on`` its last, ``monitor_until`` the last day of the home monitoring
    that follows a facility stay (None when none follows). ``ward_id`` is the person's ward,
    copied as on cases (ADR 0007) for the ward's lists."""

    __tablename__ = "isolation_orders"
    __table_args__ = (
        Index("ix_isolation_orders_person_status", "person_id", "status"),
        Index("ix_isolation_orders_facility_status", "facility_id", "status"),
        Index("ix_isolation_orders_ward_status_ends", "ward_id", "status", "ends_on"),
        Index("ix_isolation_orders_ward_status_report", "ward_id", "status", "last_report_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus))
    place: Mapped[Place] = mapped_column(_enum(Place))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    regime_id: Mapped[str] = mapped_column(String(40))
    tier: Mapped[int | None] = mapped_column(SmallInteger)
    last_exposure_on: Mapped[dt.date] = mapped_column(Date)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    monitor_until: Mapped[dt.date | None] = mapped_column(Date)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("isolation_orders.id"))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # released, ended or replaced
    close_reason: Mapped[str | None] = mapped_column(String(300))
    ward_id: Mapped[int | None] = mapped_column(BigId)
    # the day of the person's last daily report (the last exposure until they report): *who
    # has not reported today* reads one index range (docs/isolation.md)
    last_report_on: Mapped[dt.date] = mapped_column(Date, server_default="1970-01-01")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class LabTask(Base):
    """A sample to take on a test day of the regime (or for a symptomatic contact)."""

    __tablename__ = "lab_tasks"
    __table_args__ = (Index("ix_lab_tasks_due_status", "due_on", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("isolation_orders.id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(120))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus))
    lab_test_id: Mapped[int | None] = mapped_column(ForeignKey("lab_tests.id"))


class Transfer(Base):
    """An order in force moved from one place to another (another facility, home to a
    facility, a facility to home): the order stays the same (its link, reports and tasks
    with it); this row keeps where it was, who moved it and why."""

    __tablename__ = "isolation_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("isolation_orders.id"), index=True)
    from_place: Mapped[Place] = mapped_column(_enum(Place))
    from_facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    to_place: Mapped[Place] = mapped_column(_enum(Place))
    to_facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    moved_on: Mapped[dt.date] = mapped_column(Date)
    moved_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(String(300))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
