"""The ward is alerted of an urgent flag: each worker of the person's ward who may act on
isolation and gave an alert contact (``cordon users alerts``) gets an SMS — or an e-mail
when they gave no phone — through the outbox, in the flag's transaction.

The message names the flag's kind in neutral words and the person's record number, never a
reading or a result (docs/messages.md). A missed report is not alerted one by one: the ward
worker's list of who has not reported today is the tool for those, and a ward may have
hundreds a day.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.access.roles import Permission, role
from cordon.core.rulesets import UnknownRule
from cordon.monitoring.enums import FlagKind
from cordon.monitoring.models import Flag
from cordon.outbox import service as outbox
from cordon.outbox.enums import Channel, MessageKind

ALERTED = frozenset({FlagKind.fever, FlagKind.symptoms, FlagKind.positive_test})


def record_of(person_id: int) -> str:
    """How a message names a person's record: a number, never a name."""
    return f"P-{person_id}"


def _may_act(user: User) -> bool:
    try:
        return Permission.isolation_write in role(user.role).permissions
    except UnknownRule:  # a role since removed from the city's file
        return False


def alert(session: Session, flag: Flag) -> int:
    """Queue the alerts of ``flag`` (an urgent kind, of a person with a ward); returns how
    many were queued."""
    if flag.kind not in ALERTED or flag.ward_id is None:
        return 0
    workers = session.scalars(
        select(User).where(
            User.unit_id == flag.ward_id,
            User.disabled_at.is_(None),
            (User.alert_phone.is_not(None)) | (User.alert_email.is_not(None)),
        )
    )
    queued = 0
    for user in workers:
        if not _may_act(user):
            continue
        channel = Channel.sms if user.alert_phone else Channel.email
        outbox.enqueue(
            session,
            channel=channel,
            recipient=str(user.alert_phone or user.alert_email),
            kind=MessageKind.flag_raised,
            params={"flag": flag.kind.value, "record": record_of(flag.person_id)},
            idempotency_key=f"flag:{flag.id}:user:{user.id}:{channel.value}",
            language=user.language,
        )
        queued += 1
    return queued
