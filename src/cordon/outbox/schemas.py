from __future__ import annotations

import datetime as dt

from pydantic import Field

from cordon.core.schemas import Out
from cordon.outbox.enums import Channel, Language, MessageKind, MessageStatus


class OutboxMessageOut(Out):
    """A message without its text, its recipient masked."""

    id: int
    channel: Channel
    kind: MessageKind
    language: Language
    recipient: str = Field(description="Masked: the last three characters of a number or id.")
    status: MessageStatus
    attempts: int
    next_attempt_at: dt.datetime = Field(
        description="Queued: when it is tried next. Sending: when the worker's lease ends."
    )
    last_error: str | None = Field(description="The last failed attempt's reason.")
    provider_id: str | None = Field(description="The SMS centre's or mail server's id for it.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
