from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, ForeignKey, Index, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime, utcnow
from cordon.outreach.enums import Channel, Outcome


class ReachAttempt(Base):
    """One attempt to reach a contact: by phone, a visit or a message, and what came of it.

    ``tier`` is the person's tier when they were tried: a contact whose tier moves (F2 → F1)
    must be reached again, with what the new tier asks of them."""

    __tablename__ = "reach_attempts"
    __table_args__ = (Index("ix_reach_attempts_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=16))
    outcome: Mapped[Outcome] = mapped_column(Enum(Outcome, native_enum=False, length=16))
    tier: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
