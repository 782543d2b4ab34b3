"""Early warnings between cities as OASIS CAP 1.2 alerts (docs/network.md, "Early warnings
(CAP 1.2)"): this city's drafted (by an officer, or proposed by a rule), edited, approved and
sent to its peers, then updated or cancelled by a new alert of the same chain; a partner's
checked — as JSON and as XML against the official schema — stored, and told to the officers.

Writes are the caller's transaction; each draft, approval and receipt is in the audit log,
and each send through ``service.send``."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cordon.audit import recorder
from cordon.core.dates import now
from cordon.core.db import get_or_404
from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.network import cap, service, warning_alerts, warning_inbox
from cordon.network.enums import DistributionKind, DistributionStatus, Kind
from cordon.network.envelope import Envelope
from cordon.network.models import NetworkMessage, Peer
from cordon.network.ownership import Refusals, check_ours
from cordon.network.warning_enums import CapStatus, MsgType, WarningStatus
from cordon.network.warning_models import EarlyWarning
from cordon.network.warning_schemas import Alert, FollowIn, WarningEdit, WarningIn, WarningPayload

KINDS = {
    MsgType.alert: DistributionKind.report,
    MsgType.update: DistributionKind.update,
    MsgType.cancel: DistributionKind.cancel,
}
STATUSES = {
    CapStatus.actual: DistributionStatus.actual,
    CapStatus.exercise: DistributionStatus.exercise,
}


def alert_of(row: EarlyWarning) -> Alert:
    return Alert.model_validate(row.alert)


def checked(raw: dict[str, Any]) -> Alert:
    """An alert from its parts, or 422 naming each field at fault."""
    try:
        return Alert.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput.of_model("The warning is not a valid CAP alert.", exc) from None


def fill_row(row: EarlyWarning, alert: Alert) -> None:
    """The alert, and what lists and the feed filter on, on the row."""
    row.alert = alert.model_dump(mode="json", by_alias=True, exclude_none=True)
    row.identifier, row.sender = alert.identifier, alert.sender
    row.msg_type, row.cap_status, row.scope = alert.msg_type, alert.status, alert.scope
    row.expires_at = alert.info.expires


def _new(session: Session, alert: Alert, **columns: Any) -> EarlyWarning:
    row = EarlyWarning(peer_id=None, status=WarningStatus.draft, current=True, **columns)
    fill_row(row, alert)
    session.add(row)
    session.flush()
    recorder.note(session, "network.warning drafted", "network_warnings", row.id)
    return row


def draft(
    session: Session,
    given: WarningIn,
    *,
    by_user_id: int | None,
    rule_id: str | None = None,
    subject: str | None = None,
) -> EarlyWarning:
    """A new warning of this city (msgType Alert), a draft until approved."""
    me = service.node(session)
    identifier = f"{me.node_id}-{uuid.uuid4().hex}"
    info = given.info.model_copy(update={"sender_name": given.info.sender_name or me.name})
    alert = checked(
        {
            **given.model_dump(exclude={"info"}),
            "identifier": identifier,
            "sender": me.node_id,
            "sent": cap.local(now()),
            "msg_type": MsgType.alert,
            "info": info.model_dump(),
        }
    )
    return _new(
        session,
        alert,
        chain=identifier,
        rule_id=rule_id,
        subject=subject,
        prepared_by_user_id=by_user_id,
    )


REFUSALS = Refusals(
    theirs=N_("This is a partner city's warning: it is read, not changed."),
    changed=N_("The warning changed meanwhile (version %(now)s, not %(sent)s): reload it."),
    state=N_("The warning is %(status)s, not %(wanted)s."),
)


def _ours(session: Session, warning_id: int, version: int, status: WarningStatus) -> EarlyWarning:
    row = get_or_404(session, EarlyWarning, warning_id, what="warning")
    check_ours(row, version=version, status=status, refusals=REFUSALS)
    return row


def edit(session: Session, warning_id: int, change: WarningEdit) -> EarlyWarning:
    """A draft's new words; its identifier, sender and message type stay."""
    row = _ours(session, warning_id, change.version, WarningStatus.draft)
    given = change.model_dump(exclude_unset=True, exclude={"version"})
    fill_row(row, checked({**alert_of(row).model_dump(), **given}))
    session.flush()
    return row


def approve(
    session: Session, warning_id: int, *, version: int, by_user_id: int | None
) -> EarlyWarning:
    row = _ours(session, warning_id, version, WarningStatus.draft)
    row.status = WarningStatus.approved
    row.approved_by_user_id = by_user_id
    session.flush()
    recorder.note(session, "network.warning approved", "network_warnings", row.id)
    return row


def _chain(session: Session, sender: str, chain: str) -> list[EarlyWarning]:
    """The alerts of a chain sent or received, the earliest first."""
    return list(
        session.scalars(
            select(EarlyWarning)
            .where(
                EarlyWarning.sender == sender,
                EarlyWarning.chain == chain,
                EarlyWarning.status.in_([WarningStatus.sent, WarningStatus.received]),
            )
            .order_by(EarlyWarning.sent_at, EarlyWarning.id)
        )
    )


def _end_earlier(session: Session, row: EarlyWarning) -> None:
    """``row`` is now what the city sees of its chain: the earlier alerts are not current."""
    session.execute(
        update(EarlyWarning)
        .where(
            EarlyWarning.sender == row.sender,
            EarlyWarning.chain == row.chain,
            EarlyWarning.id != row.id,
            EarlyWarning.current.is_(True),
        )
        .values(current=False, version=EarlyWarning.version + 1)
        .execution_options(synchronize_session="fetch")
    )


def _still_latest(alert: Alert, earlier: list[EarlyWarning]) -> bool:
    """An Update or a Cancel still names every alert of its chain, the latest in force."""
    named = {r.identifier for r in alert.earlier}
    return bool(earlier) and earlier[-1].current and named == {r.identifier for r in earlier}


def send(
    session: Session, warning_id: int, *, version: int, by_user_id: int | None
) -> list[NetworkMessage]:
    """An approved warning to every active peer that receives ``cap-alert``, as JSON and as
    CAP XML checked against the official schema; it is sent at this moment."""
    row = _ours(session, warning_id, version, WarningStatus.approved)
    alert = alert_of(row)
    earlier = _chain(session, row.sender, row.chain)
    if alert.msg_type is not MsgType.alert and not _still_latest(alert, earlier):
        raise Conflict.of(N_("The warning followed was updated or cancelled meanwhile."))
    alert = alert.model_copy(update={"sent": cap.local(now())})
    xml = cap.to_xml(alert)
    cap.check(xml)
    payload = WarningPayload(alert=alert, xml=xml).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    sent = service.send(
        session,
        service.Distribution(
            Kind.cap_alert,
            payload,
            status=STATUSES.get(alert.status, DistributionStatus.test),
            distribution_kind=KINDS[alert.msg_type],
            references=tuple(r.distribution_id for r in earlier if r.distribution_id),
            description=(alert.info.headline or alert.info.event)[:300],
        ),
        by_user_id=by_user_id,
    )
    fill_row(row, alert)
    row.status, row.sent_at = WarningStatus.sent, alert.sent
    row.distribution_id = sent[0].distribution_id if sent else None
    session.flush()
    _end_earlier(session, row)
    return sent


def reference(row: EarlyWarning) -> str:
    """How a later alert names this one: "sender,identifier,sent"."""
    assert row.sent_at is not None
    return f"{row.sender},{row.identifier},{cap.cap_time(row.sent_at)}"


def follow(
    session: Session, warning_id: int, given: FollowIn, kind: MsgType, *, by_user_id: int | None
) -> EarlyWarning:
    """A draft Update (new info, default the same) or Cancel of a warning this city sent,
    naming every alert of its chain so far."""
    row = _ours(session, warning_id, given.version, WarningStatus.sent)
    if not row.current or row.msg_type is MsgType.cancel:
        raise Conflict.of(N_("Only the latest alert of a warning in force is followed."))
    earlier = alert_of(row)
    me = service.node(session)
    info = given.info if given.info is not None and kind is MsgType.update else earlier.info
    alert = checked(
        {
            **earlier.model_dump(),
            "identifier": f"{me.node_id}-{uuid.uuid4().hex}",
            "sent": cap.local(now()),
            "msg_type": kind,
            "note": given.note,
            "references": " ".join(reference(r) for r in _chain(session, row.sender, row.chain)),
            "info": info.model_dump(),
        }
    )
    return _new(session, alert, chain=row.chain, prepared_by_user_id=by_user_id)


# -- a partner's ---------------------------------------------------------------------------


def receive(session: Session, peer: Peer, envelope: Envelope, message: NetworkMessage) -> None:
    """A partner's alert, stored, what the city sees of its chain, and told to the officers
    (the kinds table calls this; a refusal refuses the whole message)."""
    alert = warning_inbox.payload(envelope, peer)
    stored = select(EarlyWarning.id).where(
        EarlyWarning.sender == alert.sender, EarlyWarning.identifier == alert.identifier
    )
    if session.scalar(stored) is not None:
        raise Conflict.of(N_("Alert %(id)s was received before."), id=alert.identifier[:200])
    chain = (
        alert.identifier
        if alert.msg_type is MsgType.alert
        else warning_inbox.followed_chain(session, alert)
    )
    row = EarlyWarning(
        peer_id=peer.id,
        status=WarningStatus.received,
        chain=chain,
        current=True,
        sent_at=alert.sent,
        distribution_id=envelope.distribution_id,
    )
    fill_row(row, alert)
    session.add(row)
    session.flush()
    _end_earlier(session, row)
    recorder.note(session, "network.warning received", "network_warnings", row.id)
    warning_alerts.notify(session, row, alert, peer)
