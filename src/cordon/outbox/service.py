"""The outbox: messages written in the caller's transaction, and their delivery states.

``enqueue`` is what other features call: the message commits with the event that causes it,
or not at all. The worker (``worker.py``) moves a message queued → sending → sent (or back to
queued with a later ``next_attempt_at``, or to failed) with the functions below, committing
each move (ADR 0010).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from cordon.core.config import get_settings
from cordon.core.db import is_sqlite
from cordon.core.errors import InvalidInput
from cordon.core.models import utcnow
from cordon.core.pagination import paged
from cordon.core.phones import normalize_phone
from cordon.outbox import templates
from cordon.outbox.enums import IN_ORDER, Channel, Language, MessageKind, MessageStatus
from cordon.outbox.models import OutboxMessage

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
PENDING = (MessageStatus.queued, MessageStatus.sending)


def _recipient(channel: Channel, raw: str) -> str:
    """The address in its stored form; the error names the field, never the value."""
    raw = raw.strip()
    if channel is Channel.sms:
        try:
            return normalize_phone(raw)
        except ValueError as exc:
            raise InvalidInput.on("recipient", str(exc)) from None
    if channel is Channel.email:
        if len(raw) > 320 or not EMAIL.match(raw):
            raise InvalidInput.on("recipient", "not an e-mail address")
        return raw
    if not raw or len(raw) > 200 or any(c.isspace() or not c.isprintable() for c in raw):
        raise InvalidInput.on("recipient", "1 to 200 printable characters without spaces")
    return raw


def _choice(field: str, value: object, kind: type[Channel | Language | MessageKind]) -> str:
    if value not in {m.value for m in kind}:
        raise InvalidInput.on(field, f"must be one of {', '.join(m.value for m in kind)}")
    return str(value)


def enqueue(
    session: Session,
    *,
    channel: Channel | str,
    recipient: str,
    kind: MessageKind | str,
    params: Mapping[str, templates.Param],
    idempotency_key: str,
    language: Language | str = Language.vi,
    person_id: int | None = None,
) -> int:
    """Add a message to the outbox in the caller's transaction (no commit) and return its id.

    ``idempotency_key`` names the event and the message (e.g. ``order:17:created:sms``):
    the same key again adds nothing and returns the first message's id. Bad input raises
    ``InvalidInput`` naming the field (``recipient``, ``params.place`` …) and adds nothing.
    """
    ch = Channel(_choice("channel", channel, Channel))
    lang = Language(_choice("language", language, Language))
    what = MessageKind(_choice("kind", kind, MessageKind))
    key = idempotency_key.strip()
    if not key or len(key) > 200:
        raise InvalidInput.on("idempotency_key", "1 to 200 characters")
    address = _recipient(ch, recipient)
    text = templates.render(what, lang, ch, params)
    values = {
        "idempotency_key": key,
        "channel": ch,
        "recipient": address,
        "language": lang,
        "kind": what,
        "subject": text.subject,
        "body": text.body,
        "person_id": person_id,
        "status": MessageStatus.queued,
        "attempts": 0,
        "next_attempt_at": utcnow(),
    }
    return _insert_once(session, values)


def enqueue_envelope(session: Session, *, recipient: str, body: str, idempotency_key: str) -> int:
    """Add a network envelope for the peer node ``recipient`` (its JSON, signed when sent)
    in the caller's transaction; delivered in order per peer. Same key: nothing added."""
    values = {
        "idempotency_key": idempotency_key,
        "channel": Channel.network,
        "recipient": _recipient(Channel.network, recipient),
        "language": Language.en,
        "kind": MessageKind.envelope,
        "subject": None,
        "body": body,
        "person_id": None,
        "status": MessageStatus.queued,
        "attempts": 0,
        "next_attempt_at": utcnow(),
    }
    return _insert_once(session, values)


def _insert_once(session: Session, values: Mapping[str, object]) -> int:
    insert = sqlite.insert if is_sqlite(session) else postgresql.insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    session.execute(statement)
    key = values["idempotency_key"]
    found = session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    assert found is not None
    return found


# -- the worker's moves -----------------------------------------------------------------


def _due(now: dt.datetime, channels: Collection[Channel]) -> ColumnElement[bool]:
    """Queued messages whose time has come, and messages whose worker's lease ran out; on a
    channel kept in order, only the earliest pending message of each recipient."""
    earlier = aliased(OutboxMessage)
    waits = exists().where(
        earlier.channel == OutboxMessage.channel,
        earlier.recipient == OutboxMessage.recipient,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(PENDING),
    )
    return and_(
        OutboxMessage.status.in_(PENDING),
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.channel.in_(sorted(channels)),
        or_(OutboxMessage.channel.not_in(sorted(IN_ORDER)), ~waits),
    )


def claim(session: Session, *, worker: str, channels: Collection[Channel], limit: int) -> list[int]:
    """Take up to ``limit`` due messages for ``worker`` until the lease ends, in one
    statement: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never take the same
    message; SQLite has one writer at a time. The caller commits."""
    if not channels:
        return []
    now = utcnow()
    lease = dt.timedelta(seconds=get_settings().outbox_lease_seconds)
    due = (
        select(OutboxMessage.id)
        .where(_due(now, channels))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if not is_sqlite(session):
        due = due.with_for_update(skip_locked=True)
    claimed = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(
            status=MessageStatus.sending,
            claimed_by=worker,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + lease,
            updated_at=now,
        )
        .returning(OutboxMessage.id)
    ).all()
    return sorted(claimed)


def renew(session: Session, *, worker: str, ids: Sequence[int]) -> set[int]:
    """Extend the lease on ``ids``; returns those still held by ``worker``."""
    if not ids:
        return set()
    now = utcnow()
    until = now + dt.timedelta(seconds=get_settings().outbox_lease_seconds)
    held = session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == MessageStatus.sending,
        )
        .values(next_attempt_at=until, updated_at=now)
        .returning(OutboxMessage.id)
    ).all()
    return set(held)


# The worker's per-message moves run thousands of times a second: statements built once, on
# the table (no ORM bookkeeping), each guarded by the claim so a worker that lost its lease
# cannot overwrite another's outcome.
_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]
_MINE = (
    (_TABLE.c.id == bindparam("message_id"))
    & (_TABLE.c.claimed_by == bindparam("worker"))
    & (_TABLE.c.status == MessageStatus.sending.value)
)
_SENT = (
    update(_TABLE)
    .where(_MINE)
    .values(
        status=MessageStatus.sent.value,
        sent_at=bindparam("now"),
        updated_at=bindparam("now"),
        provider_id=bindparam("provider_id"),
        last_error=None,
        claimed_by=None,
    )
)
_FAILED = (
    update(_TABLE)
    .where(_MINE)
    .values(
        status=bindparam("status"),
        next_attempt_at=bindparam("next_attempt_at"),
        last_error=bindparam("reason"),
        updated_at=bindparam("now"),
        claimed_by=None,
    )
)


def mark_sent(session: Session, *, message_id: int, worker: str, provider_id: str | None) -> None:
    session.execute(
        _SENT,
        {
            "message_id": message_id,
            "worker": worker,
            "now": utcnow(),
            "provider_id": provider_id[:100] if provider_id else None,
        },
    )


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: the base after the first failure, doubled after each."""
    settings = get_settings()
    seconds = settings.outbox_backoff_seconds * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.outbox_backoff_max_seconds))


def most_attempts(channel: Channel | None) -> int:
    """Attempts before a message fails for good: a partner city's node gets days."""
    settings = get_settings()
    if channel is Channel.network:
        return settings.network_max_attempts
    return settings.outbox_max_attempts


def mark_failed(
    session: Session,
    *,
    message_id: int,
    worker: str,
    attempts: int,
    reason: str,
    permanent: bool,
    channel: Channel | None = None,
) -> MessageStatus:
    """A failed attempt: queued again after the back-off, or failed for good (refused, or
    out of attempts). ``reason`` must hold no recipient and no text of the message."""
    now = utcnow()
    done = permanent or attempts >= most_attempts(channel)
    status = MessageStatus.failed if done else MessageStatus.queued
    session.execute(
        _FAILED,
        {
            "message_id": message_id,
            "worker": worker,
            "status": status.value,
            "next_attempt_at": now if done else now + backoff(attempts),
            "reason": reason[:300],
            "now": now,
        },
    )
    return status


# -- reading ------------------------------------------------------------------------------


def counts(session: Session) -> list[tuple[Channel, MessageStatus, int]]:
    rows = session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .group_by(OutboxMessage.channel, OutboxMessage.status)
        .order_by(OutboxMessage.channel, OutboxMessage.status)
    ).all()
    return [(Channel(c), MessageStatus(s), int(n)) for c, s, n in rows]


def listed(
    session: Session,
    *,
    statuses: Collection[MessageStatus],
    channels: Collection[Channel],
    limit: int,
    offset: int,
) -> tuple[list[OutboxMessage], int]:
    where = [
        OutboxMessage.status.in_(sorted(statuses)),
        OutboxMessage.channel.in_(sorted(channels)),
    ]
    query = select(OutboxMessage).where(*where)
    return paged(session, query, OutboxMessage.id.desc(), limit=limit, offset=offset)


def release(session: Session, *, worker: str, ids: Sequence[int]) -> None:
    """A stopping worker hands back what it claimed and did not try: queued, due now, the
    attempt not counted."""
    if not ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == MessageStatus.sending,
        )
        .values(
            status=MessageStatus.queued,
            claimed_by=None,
            attempts=OutboxMessage.attempts - 1,
            next_attempt_at=utcnow(),
        )
    )


def masked(channel: Channel, recipient: str) -> str:
    """The recipient as lists show it: enough to tell two apart, not to reach anyone."""
    if channel is Channel.email:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}•••@{domain}"
    keep = 3 if len(recipient) > 6 else 0
    return "•" * (len(recipient) - keep) + recipient[len(recipient) - keep :]


@dataclass(frozen=True)
class Delivery:
    status: MessageStatus
    attempts: int
    last_error: str | None
    sent_at: dt.datetime | None


def deliveries(session: Session, ids: Collection[int]) -> dict[int, Delivery]:
    """Where the messages ``ids`` stand (for features that show their own messages' state)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.sent_at,
        ).where(OutboxMessage.id.in_(sorted(ids)))
    )
    return {row.id: Delivery(row.status, row.attempts, row.last_error, row.sent_at) for row in rows}
