from __future__ import annotations

from sqlalchemy import Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId
from cordon.geography.enums import UnitLevel


class AdminUnit(Base):
    """A city, district or ward, with its population (for rates per 100,000)."""

    __tablename__ = "admin_units"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    level: Mapped[UnitLevel] = mapped_column(Enum(UnitLevel, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(120))
    name_ascii: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))  # quận, huyện, phường, xã …
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    area_km2: Mapped[float | None] = mapped_column(Float)
