from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cordon.access.who import OutboxReader, city_level
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.outbox import service
from cordon.outbox.enums import Channel, MessageStatus
from cordon.outbox.schemas import OutboxMessageOut

router = APIRouter(prefix="/outbox", tags=["outbox"])


@router.get("", response_model=Page[OutboxMessageOut])
def list_messages(
    session: SessionDep,
    who: OutboxReader,
    page: PageDep,
    status: Annotated[
        list[MessageStatus] | None, Query(description="Only these statuses (default: all).")
    ] = None,
    channel: Annotated[
        list[Channel] | None, Query(description="Only these channels (default: all).")
    ] = None,
) -> Page[OutboxMessageOut]:
    """The messages sent and to send, newest first: no text, recipients masked. The outbox
    holds messages to people of the whole city: city-level users only."""
    city_level(who, "The outbox holds the whole city's messages: city-level users only.")
    rows, total = service.listed(
        session,
        statuses=status or tuple(MessageStatus),
        channels=channel or tuple(Channel),
        limit=page.limit,
        offset=page.offset,
    )
    items = [OutboxMessageOut.of(m, recipient=service.masked(m.channel, m.recipient)) for m in rows]
    return page.answer(items, total)
