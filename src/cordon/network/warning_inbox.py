"""A partner's CAP alert as it arrives (``warnings.receive``): its JSON valid, its XML valid
CAP 1.2 by the official schema and the same alert, its sender the peer that signed it; an
Update or a Cancel following alerts received before from that peer, of one warning."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.errors import N_, InvalidInput
from cordon.network import cap
from cordon.network.envelope import Envelope
from cordon.network.models import Peer
from cordon.network.warning_models import EarlyWarning
from cordon.network.warning_schemas import Alert, WarningPayload

PAYLOAD = "content.payload"


def payload(envelope: Envelope, peer: Peer) -> Alert:
    """The payload's alert, if its JSON is valid, its XML valid CAP 1.2 and the same alert,
    and its sender the peer that signed it."""
    try:
        payload = WarningPayload.model_validate(envelope.content.payload)
    except ValidationError as exc:
        raise InvalidInput.of_model("The payload is not a CAP warning.", exc) from None
    if cap.read(payload.xml, field=f"{PAYLOAD}.xml") != payload.alert:
        raise InvalidInput.on(f"{PAYLOAD}.xml", N_("is not the same alert as the JSON"))
    if payload.alert.sender != peer.node_id:
        raise InvalidInput.on(f"{PAYLOAD}.alert.sender", N_("is not the peer that signed it"))
    return payload.alert


def followed_chain(session: Session, alert: Alert) -> str:
    """The chain an Update or a Cancel follows: every alert it names received before."""
    named = alert.earlier
    rows = session.scalars(
        select(EarlyWarning).where(
            EarlyWarning.sender == alert.sender,
            EarlyWarning.identifier.in_([r.identifier for r in named]),
        )
    ).all()
    known = {r.identifier: r for r in rows}
    for ref in named:
        if ref.sender != alert.sender or ref.identifier not in known:
            raise InvalidInput.on(
                f"{PAYLOAD}.alert.references",
                N_("names an alert not received from %(node)s: %(id)s"),
                node=alert.sender,
                id=ref.identifier[:200],
            )
    chains = {r.chain for r in rows}
    if len(chains) != 1:
        raise InvalidInput.on(f"{PAYLOAD}.alert.references", N_("names alerts of two warnings"))
    return chains.pop()
