"""People between cities in the API: hand one over, list and follow the shares, and for a
partner's share: preview the person, accept or reject it (docs/network.md).

Lists and single shares carry nothing personal (``network.read``). Handing over, previewing
a partner's person, accepting, rejecting and revoking speak for the city with personal data:
``network.send`` and ``handovers``, city level only (docs/access.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.access.who import NetworkReader, NetworkSender, city_level
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep
from cordon.network import share_listing, share_receiver, shares
from cordon.network.enums import Direction, ShareState
from cordon.network.share_schemas import (
    AcceptIn,
    DuplicateOut,
    PreviewOut,
    RejectIn,
    SenderContact,
    ShareIn,
    ShareOut,
    Versioned,
)

CITY = "Handing people over between cities speaks for the whole city: city-level users only."
NOT_ON_NETWORK: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not on the network yet, or the share is not pending."}
}
router = APIRouter(prefix="/network/shares", tags=["network"])


def _may_hand_over(who: Principal) -> None:
    city_level(who, CITY)
    who.require(Permission.handovers)


@router.get("", response_model=Page[ShareOut])
def list_shares(
    session: SessionDep,
    who: NetworkReader,
    page: PageDep,
    direction: Annotated[Direction | None, Query(description="sent or received.")] = None,
    state: Annotated[list[ShareState] | None, Query(description="Only these states.")] = None,
    peer_id: Annotated[Id | None, Query(description="Only this partner's.")] = None,
    person_id: Annotated[Id | None, Query(description="Only this person's.")] = None,
) -> Page[ShareOut]:
    """Shares newest first: partner city, state, dates — never a name."""
    rows, total = share_listing.listed(
        session,
        direction=direction,
        states=state,
        peer_id=peer_id,
        person_id=person_id,
        limit=page.limit,
        offset=page.offset,
    )
    return page.answer(rows, total)


@router.post("", response_model=ShareOut, status_code=202)
def hand_over(session: SessionDep, who: NetworkSender, body: ShareIn) -> ShareOut:
    """Hand a case or contact over to the partner city where they live (202: the worker
    delivers the sealed request); pending until the partner answers."""
    _may_hand_over(who)
    sender = SenderContact(officer=body.officer or who.username, contact=body.contact)
    row = shares.request(
        session,
        person_id=body.person_id,
        peer_id=body.peer_id,
        sender=sender,
        note=body.note,
        by_user_id=who.user_id,
    )
    return share_listing.one(session, row.id)


@router.get("/{id}", response_model=ShareOut)
def get_share(session: SessionDep, who: NetworkReader, id: Id) -> ShareOut:
    return share_listing.one(session, id)


@router.get("/{id}/preview", response_model=PreviewOut, responses=NOT_ON_NETWORK)
def preview_share(session: SessionDep, who: NetworkSender, id: Id) -> PreviewOut:
    """A partner's pending share opened: the person, their tier and exposure, the sender,
    and who in this registry may be the same (a read of personal data: audited)."""
    _may_hand_over(who)
    seen = share_receiver.preview(session, id)
    duplicates = [
        DuplicateOut.of(c.person, person_id=c.person.id, reason=c.reason) for c in seen.duplicates
    ]
    recorder.read(session, "network_shares", id, [d.person_id for d in duplicates], view="preview")
    return PreviewOut(
        share=share_listing.described(session, [seen.share])[0],
        content=seen.content,
        duplicates=duplicates,
    )


@router.post("/{id}/accept", response_model=ShareOut)
def accept_share(session: SessionDep, who: NetworkSender, id: Id, body: AcceptIn) -> ShareOut:
    """Take the person into this registry (or into ``person_id``, the same person here):
    exposure, tier and isolation follow; the answer goes to the sender. All or nothing."""
    _may_hand_over(who)
    share_receiver.accept(
        session,
        id,
        version=body.version,
        person_id=body.person_id,
        ward_id=body.ward_id,
        by_user_id=who.user_id,
        by=who.username,
    )
    return share_listing.one(session, id)


@router.post("/{id}/reject", response_model=ShareOut)
def reject_share(session: SessionDep, who: NetworkSender, id: Id, body: RejectIn) -> ShareOut:
    """Say no, and why (the reason goes to the sender): nothing of the person is kept."""
    _may_hand_over(who)
    share_receiver.reject(
        session, id, version=body.version, reason=body.reason, by_user_id=who.user_id
    )
    return share_listing.one(session, id)


@router.post("/{id}/revoke", response_model=ShareOut)
def revoke_share(session: SessionDep, who: NetworkSender, id: Id, body: Versioned) -> ShareOut:
    """Take back a share we sent, while it is pending."""
    _may_hand_over(who)
    shares.revoke(session, id, version=body.version, by_user_id=who.user_id)
    return share_listing.one(session, id)
