from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime
from cordon.handovers.enums import HandoverStatus


class Handover(Base, Timestamped):
    """A contact passed from the unit that found it to the unit where the contact lives.

    The receiving side is the contact's ward *now*: a handover follows the person when they
    are transferred, as every record does. ``to_unit_id`` keeps the ward it was sent to.
    """

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exposure_id: Mapped[int | None] = mapped_column(
        ForeignKey("exposures.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    status: Mapped[HandoverStatus] = mapped_column(
        Enum(HandoverStatus, native_enum=False, length=16), default=HandoverStatus.open
    )
    note: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_handovers_from_status", "from_unit_id", "status"),
        Index("ix_handovers_to_status", "to_unit_id", "status"),
    )
