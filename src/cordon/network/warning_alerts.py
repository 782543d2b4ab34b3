"""A partner's warning is told to this city's officers: each active user whose role reads the
network and who gave an alert contact (``cordon users alerts``) gets an SMS — or an e-mail
when they gave no phone — through the outbox, in the receipt's transaction.

Only Actual and Exercise warnings are told (an exercise trains the whole chain); a Test,
System or Draft alert is stored and listed, not alerted. The message names the partner city
and the event in a few words; the officer reads the rest in Cordon."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.access.roles import Permission, role
from cordon.core.rulesets import UnknownRule
from cordon.network.models import Peer
from cordon.network.warning_enums import CapStatus, MsgType
from cordon.network.warning_models import EarlyWarning
from cordon.network.warning_schemas import Alert
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind

TOLD = frozenset({CapStatus.actual, CapStatus.exercise})
EVENT_SHOWN = 60  # characters of the event in the message (an SMS stays within three parts)


def _reads_network(user: User) -> bool:
    try:
        return Permission.network_read in role(user.role).permissions
    except UnknownRule:  # a role since removed from the city's file
        return False


def officers(session: Session) -> list[User]:
    """Who is told of a partner's warning: active, reads the network, gave a contact."""
    found = session.scalars(
        select(User)
        .where(
            User.disabled_at.is_(None),
            (User.alert_phone.is_not(None)) | (User.alert_email.is_not(None)),
        )
        .order_by(User.id)
    )
    return [user for user in found if _reads_network(user)]


def notify(session: Session, row: EarlyWarning, alert: Alert, peer: Peer) -> int:
    """Queue the messages of a received warning; returns how many were queued."""
    if alert.status not in TOLD:
        return 0
    kind = (
        MessageKind.warning_cancelled
        if alert.msg_type is MsgType.cancel
        else MessageKind.warning_received
    )
    event = alert.info.event
    params = {
        "city": peer.name[:80],
        "event": event if len(event) <= EVENT_SHOWN else event[: EVENT_SHOWN - 1] + "…",
    }
    queued = 0
    for user in officers(session):
        channel = Channel.sms if user.alert_phone else Channel.email
        outbox.enqueue(
            session,
            channel=channel,
            recipient=str(user.alert_phone or user.alert_email),
            kind=kind,
            params=params,
            idempotency_key=f"warning:{row.id}:user:{user.id}:{channel.value}",
            language=user.language,
        )
        queued += 1
    return queued
