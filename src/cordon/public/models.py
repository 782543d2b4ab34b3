from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime

NO_WARD = 0  # the city's cases whose ward is not known (``ward_id`` 0, never a real unit)


class DailyCount(Base):
    """What the public is told, counted per day and ward: new confirmed cases by where the
    infection came from, recoveries and deaths. Kept by the public service from the registry,
    in the transaction of the change (ADR 0013); the dashboard and open data read only this.

    A case counts for the city when its person lives in one of its wards, or, ward unknown,
    when it was reported by the city (``cases.province``): those are under ``NO_WARD``."""

    __tablename__ = "public_daily_counts"
    __table_args__ = (Index("ix_public_daily_counts_day", "day"),)

    ward_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    community: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    in_quarantine: Mapped[int] = mapped_column(Integer, default=0)
    unclassified: Mapped[int] = mapped_column(Integer, default=0)
    recovered: Mapped[int] = mapped_column(Integer, default=0)
    deaths: Mapped[int] = mapped_column(Integer, default=0)


class Freshness(Base):
    """One row: how many times the counts changed and when they last did (the dashboard's
    "last updated", and the key of what the web app keeps rendered)."""

    __tablename__ = "public_freshness"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
