from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.clusters.enums import ClusterKind
from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped


class Cluster(Base, Timestamped):
    """Cases grouped around a place or event: Bach Mai hospital, Buddha Bar, flight VN0054."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ClusterKind] = mapped_column(Enum(ClusterKind, native_enum=False, length=16))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)


class ClusterCase(Base):
    """Membership of a case in a cluster (a case may belong to several)."""

    __tablename__ = "cluster_cases"

    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )
