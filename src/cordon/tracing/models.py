from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime, utcnow


class TierLabel(Base):
    """The earliest day a person was reached by a time-respecting path of ``level`` steps from
    an F0. A person keeps only labels no other of their labels beats on both level and day
    (the Pareto front); their tier is the lowest level.

    Kept by the tier engine alone, like ``TierChange``: no foreign keys, which on PostgreSQL
    would lock a person's row for every label a cascade writes (ADR 0005). People and cases
    are never deleted; merged people are rebuilt by the engine."""

    __tablename__ = "tier_labels"

    person_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    exposed_on: Mapped[dt.date] = mapped_column(Date)
    source_case_id: Mapped[int] = mapped_column(BigId)
    via_person_id: Mapped[int | None] = mapped_column(BigId, index=True)
    via_exposure_id: Mapped[int | None] = mapped_column(BigId, index=True)


class TierChange(Base):
    """A person's tier moved (or appeared, or fell away): why, and through which path."""

    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, index=True)
    old_tier: Mapped[int | None] = mapped_column(SmallInteger)
    new_tier: Mapped[int | None] = mapped_column(SmallInteger)
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    cause: Mapped[str] = mapped_column(String(300))
    source_case_id: Mapped[int | None] = mapped_column(BigId)
    via_person_id: Mapped[int | None] = mapped_column(BigId)
    via_exposure_id: Mapped[int | None] = mapped_column(BigId)


class PersonTier(Base):
    """A person's tier now (their lowest label) and since when it holds: what the tier
    counts, the tier lists and *my work today* read, so none of them has to find each
    person's lowest label among all labels (ADR 0009). Written with the tier history, by the
    same statements, for the same moves; a person without a tier has no row. ``ward_id`` is
    a copy of the person's ward (as on cases, ADR 0007), so a district's or ward's lists read
    their own index range. ``exposed_on`` is a copy of the day of the label that gives the
    tier, kept by the engine after each write of labels (``store.keep_exposure_days``), so
    the people to follow up are filtered and sorted by it without a join (ADR 0009)."""

    __tablename__ = "person_tiers"
    __table_args__ = (
        Index("ix_person_tiers_tier_person", "tier", "person_id"),
        Index("ix_person_tiers_since_person", "since", "person_id"),
        Index("ix_person_tiers_ward_tier_since", "ward_id", "tier", "since"),
        Index("ix_person_tiers_ward_since", "ward_id", "since"),
        Index("ix_person_tiers_ward_exposed", "ward_id", "exposed_on"),
        Index("ix_person_tiers_exposed_person", "exposed_on", "person_id"),
    )

    person_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    tier: Mapped[int] = mapped_column(SmallInteger)
    since: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ward_id: Mapped[int | None] = mapped_column(BigId)
    exposed_on: Mapped[dt.date | None] = mapped_column(Date)
