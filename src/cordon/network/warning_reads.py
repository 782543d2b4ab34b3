"""Reading early warnings: this city's and its partners', those in force, one as CAP XML, and
the public feed's (docs/network.md, "Early warnings (CAP 1.2)").

A warning is **in force** while it is Actual, sent (this city's) or received (a partner's),
the latest alert of its chain (no Update or Cancel after it), not itself a Cancel, and not
expired (``info.expires`` past)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from cordon.core.dates import now
from cordon.core.db import get_or_404
from cordon.core.errors import NotFound
from cordon.core.pagination import paged
from cordon.network import cap
from cordon.network.models import Peer
from cordon.network.warning_enums import CapStatus, MsgType, Scope, WarningStatus
from cordon.network.warning_models import EarlyWarning
from cordon.network.warning_schemas import Alert, WarningOut

OUT = (WarningStatus.sent, WarningStatus.received)
FEED_ENTRIES = 100


def in_force_at(at: dt.datetime) -> ColumnElement[bool]:
    return and_(
        EarlyWarning.status.in_(OUT),
        EarlyWarning.current.is_(True),
        EarlyWarning.msg_type != MsgType.cancel,
        EarlyWarning.cap_status == CapStatus.actual,
        or_(EarlyWarning.expires_at.is_(None), EarlyWarning.expires_at > at),
    )


def is_in_force(row: EarlyWarning, at: dt.datetime) -> bool:
    return (
        row.status in OUT
        and row.current
        and row.msg_type is not MsgType.cancel
        and row.cap_status is CapStatus.actual
        and (row.expires_at is None or row.expires_at > at)
    )


def described(session: Session, rows: Sequence[EarlyWarning]) -> list[WarningOut]:
    ids = sorted({r.peer_id for r in rows if r.peer_id is not None})
    found = session.execute(select(Peer.id, Peer.node_id).where(Peer.id.in_(ids)))
    names = {peer_id: node_id for peer_id, node_id in found}  # noqa: C416
    at = now()
    return [
        WarningOut(
            id=r.id,
            peer=names.get(r.peer_id) if r.peer_id else None,
            status=r.status,
            version=r.version,
            alert=Alert.model_validate(r.alert),
            chain=r.chain,
            current=r.current,
            in_force=is_in_force(r, at),
            proposed_by=r.rule_id,
            distribution_id=r.distribution_id,
        )
        for r in rows
    ]


def listed(
    session: Session,
    *,
    ours: bool | None = None,
    peer_id: int | None = None,
    in_force: bool = False,
    status: WarningStatus | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[WarningOut], int]:
    """Warnings, the newest first: this city's (``ours``), a partner's, or all; with
    ``in_force``, only those in force now."""
    query = select(EarlyWarning)
    if ours is True:
        query = query.where(EarlyWarning.peer_id.is_(None))
    elif ours is False:
        query = query.where(EarlyWarning.peer_id.is_not(None))
    if peer_id is not None:
        query = query.where(EarlyWarning.peer_id == peer_id)
    if status is not None:
        query = query.where(EarlyWarning.status == status)
    if in_force:
        query = query.where(in_force_at(now()))
    rows, total = paged(session, query, EarlyWarning.id.desc(), limit=limit, offset=offset)
    return described(session, rows), total


def in_force(session: Session, *, ours: bool | None = None) -> list[WarningOut]:
    """Every warning in force now (this city's, its partners' or both), the newest first."""
    query = select(EarlyWarning).where(in_force_at(now()))
    if ours is not None:
        query = query.where(
            EarlyWarning.peer_id.is_(None) if ours else EarlyWarning.peer_id.is_not(None)
        )
    return described(session, session.scalars(query.order_by(EarlyWarning.id.desc())).all())


def row(session: Session, warning_id: int) -> EarlyWarning:
    return get_or_404(session, EarlyWarning, warning_id, what="warning")


def one(session: Session, warning_id: int) -> WarningOut:
    return described(session, [row(session, warning_id)])[0]


def xml_of(session: Session, warning_id: int) -> str:
    """The warning as CAP 1.2 XML (a draft's with the time it was drafted)."""
    return cap.to_xml(Alert.model_validate(row(session, warning_id).alert))


def _public() -> ColumnElement[bool]:
    return and_(
        EarlyWarning.peer_id.is_(None),
        EarlyWarning.status == WarningStatus.sent,
        EarlyWarning.scope == Scope.public,
        EarlyWarning.cap_status == CapStatus.actual,
    )


def published(session: Session, *, most: int = FEED_ENTRIES) -> list[EarlyWarning]:
    """This city's public warnings for its feed: sent, Public, Actual — Updates and Cancels
    too, so a reader learns of them — the newest first."""
    query = select(EarlyWarning).where(_public()).order_by(EarlyWarning.sent_at.desc())
    return list(session.scalars(query.limit(most)))


def published_xml(session: Session, identifier: str) -> str:
    """One public warning of the feed as CAP XML; 404 for any other."""
    found = session.scalar(
        select(EarlyWarning).where(_public(), EarlyWarning.identifier == identifier[:200])
    )
    if found is None:
        raise NotFound("No public warning has this identifier.")
    return cap.to_xml(Alert.model_validate(found.alert))
