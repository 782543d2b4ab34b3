from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped
from cordon.exposures.enums import Closeness, Setting

CLOSE_ONLY = "closeness = 'close'"


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=16)


class Exposure(Base, Timestamped):
    """Two people in contact between two dates. Symmetric for tracing; ``person_id`` is the one
    whose contact list it came from."""

    __tablename__ = "exposures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    first_on: Mapped[dt.date] = mapped_column(Date)
    last_on: Mapped[dt.date] = mapped_column(Date)
    setting: Mapped[Setting] = mapped_column(_enum(Setting))
    closeness: Mapped[Closeness] = mapped_column(_enum(Closeness))
    note: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    # The tier engine reads a person's close contacts on every cascade: these partial
    # covering indexes answer that from the index alone (ADR 0004, 0005, bench/README.md).
    __table_args__ = tuple(
        Index(
            f"ix_exposures_close_by_{side}",
            side_column,
            other,
            "first_on",
            "last_on",
            "closeness",
            sqlite_where=text(CLOSE_ONLY),
            postgresql_where=text(CLOSE_ONLY),
            postgresql_include=["id"],  # SQLite's indexes hold the row id already
        )
        for side, side_column, other in (
            ("person", "person_id", "contact_id"),
            ("contact", "contact_id", "person_id"),
        )
    )


class EventExposure(Base, Timestamped):
    """A person at a cluster's place or event between two dates (a flight, a bar, a ward)."""

    __tablename__ = "event_exposures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), index=True
    )
    first_on: Mapped[dt.date] = mapped_column(Date)
    last_on: Mapped[dt.date] = mapped_column(Date)
    closeness: Mapped[Closeness] = mapped_column(_enum(Closeness))
    note: Mapped[str | None] = mapped_column(String(300))
