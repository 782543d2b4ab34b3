from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime, utcnow
from cordon.monitoring.enums import FlagKind, FlagStatus, Reporter


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=24)


class SelfReport(Base):
    """One daily report of a person in isolation: temperature, symptoms, free text.

    ``submission`` is the form's own key: a report sent twice (a double tap, a retry on a
    bad connection) is stored once. ``ward_id`` copies the person's ward, as on orders."""

    __tablename__ = "self_reports"
    __table_args__ = (
        Index("ix_self_reports_order_day", "order_id", "reported_on"),
        Index("ix_self_reports_ward_day", "ward_id", "reported_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("isolation_orders.id"))
    reported_on: Mapped[dt.date] = mapped_column(Date)  # the city's day
    reported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    temperature: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[Reporter] = mapped_column(_enum(Reporter))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submission: Mapped[str] = mapped_column(String(64), unique=True)
    ward_id: Mapped[int | None] = mapped_column(BigId)


class Flag(Base):
    """Something the ward health worker must act on: a missed report, a fever, symptoms, a
    positive test. One flag of a kind a day per order."""

    __tablename__ = "monitoring_flags"
    __table_args__ = (
        UniqueConstraint("order_id", "kind", "raised_on", name="uq_monitoring_flags_once_a_day"),
        Index("ix_monitoring_flags_ward_status", "ward_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("isolation_orders.id"))
    kind: Mapped[FlagKind] = mapped_column(_enum(FlagKind))
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    ward_id: Mapped[int | None] = mapped_column(BigId)
    # The daily report whose reading raised it (a fever, symptoms); None for a missed report
    # or a positive test.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("self_reports.id"), index=True)
