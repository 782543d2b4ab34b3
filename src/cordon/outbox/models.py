from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime, utcnow
from cordon.outbox.enums import Channel, Language, MessageKind, MessageStatus


class OutboxMessage(Base, Timestamped):
    """A message to send, written in the same transaction as the event that causes it.

    The worker (``cordon worker``) claims due messages, delivers them and records the
    outcome (ADR 0010). ``next_attempt_at`` is when a queued message is next tried, and for
    a message being sent the end of the worker's lease on it. ``last_error`` never holds a
    recipient or a body. ``person_id`` has no foreign key: a message stays what was sent
    after its person is merged (ADR 0005).
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=16))
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[Language] = mapped_column(Enum(Language, native_enum=False, length=8))
    kind: Mapped[MessageKind] = mapped_column(Enum(MessageKind, native_enum=False, length=32))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(BigId)
    status: Mapped[MessageStatus] = mapped_column(
        Enum(MessageStatus, native_enum=False, length=16), default=MessageStatus.queued
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    provider_id: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # the earliest pending message of a recipient, on a channel kept in order
        Index("ix_outbox_messages_recipient", "channel", "recipient", "id"),
    )
