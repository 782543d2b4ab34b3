from __future__ import annotations

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped
from cordon.facilities.enums import FacilityKind, FacilityStatus


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=24)


class Facility(Base, Timestamped):
    """A place of centralised isolation, with its beds.

    ``booked`` counts the beds held by open orders placed here (proposed or confirmed): it is
    changed only by the isolation service, under a lock on this row, in the same transaction
    as the order — so free beds are always current and a facility is never overbooked."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[FacilityKind] = mapped_column(_enum(FacilityKind))
    ward_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[FacilityStatus] = mapped_column(_enum(FacilityStatus))
    manager_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)
