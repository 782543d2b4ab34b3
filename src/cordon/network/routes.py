"""The network in the API: this node, its peers, the messages, and the signed inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from cordon.access.who import NetworkManager, NetworkReader, NetworkSender, city_level
from cordon.audit import recorder
from cordon.core.bounds import Id
from cordon.core.config import get_settings
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError, TooLarge
from cordon.core.pagination import Page, PageDep
from cordon.network import inbox, listing, service
from cordon.network.enums import Direction, Kind
from cordon.network.schemas import (
    CardIn,
    MessageOut,
    NodeIn,
    NodeOut,
    PeerIn,
    PeerOut,
    PermissionsChange,
    PermissionsIn,
    PingIn,
    ReceiptOut,
    StatusIn,
)

CITY = "The network speaks for the whole city: city-level users only."
router = APIRouter(prefix="/network", tags=["network"])


def _permissions(given: PermissionsIn) -> service.Permissions:
    return service.Permissions(
        may_send=frozenset(given.may_send),
        may_receive=frozenset(given.may_receive),
        handovers=given.handovers,
        lawful_basis=given.lawful_basis,
    )


def _node_out(session: Session) -> NodeOut:
    return NodeOut.of(service.node(session), card=service.card(session))


@router.get(
    "/node", response_model=NodeOut, responses={409: {"description": "Not on the network yet."}}
)
def get_node(session: SessionDep, who: NetworkReader) -> NodeOut:
    """This node's identity and its peer card (409 until ``cordon network init``)."""
    return _node_out(session)


@router.post("/node", response_model=NodeOut, status_code=201)
def init_node(session: SessionDep, who: NetworkManager, body: NodeIn) -> NodeOut:
    """Give this Cordon its network identity and first keys (once)."""
    city_level(who, CITY)
    service.init_node(session, **body.model_dump())
    return _node_out(session)


@router.post("/node/keys", response_model=NodeOut)
def rotate_keys(session: SessionDep, who: NetworkManager) -> NodeOut:
    """New keys; the old ones stay valid for a week: send the new card to every peer."""
    city_level(who, CITY)
    service.rotate_keys(session)
    return _node_out(session)


@router.get("/peers", response_model=list[PeerOut])
def list_peers(session: SessionDep, who: NetworkReader) -> list[PeerOut]:
    return [listing.peer_out(session, p) for p in service.peers(session)]


@router.post("/peers", response_model=PeerOut, status_code=201)
def add_peer(session: SessionDep, who: NetworkManager, body: PeerIn) -> PeerOut:
    """A partner city, from the peer card it gave, with what it may send and receive."""
    city_level(who, CITY)
    return listing.peer_out(
        session, service.add_peer(session, body.card, _permissions(body.permissions))
    )


@router.get("/peers/{peer_id}", response_model=PeerOut)
def get_peer(session: SessionDep, who: NetworkReader, peer_id: Id) -> PeerOut:
    return listing.peer(session, peer_id)


@router.put("/peers/{peer_id}/card", response_model=PeerOut)
def refresh_card(session: SessionDep, who: NetworkManager, peer_id: Id, body: CardIn) -> PeerOut:
    """The peer's new card: after it rotated its keys or moved."""
    city_level(who, CITY)
    peer = service.refresh_card(session, peer_id, body.card, version=body.version)
    return listing.peer_out(session, peer)


@router.put("/peers/{peer_id}/permissions", response_model=PeerOut)
def set_permissions(
    session: SessionDep, who: NetworkManager, peer_id: Id, body: PermissionsChange
) -> PeerOut:
    city_level(who, CITY)
    peer = service.set_permissions(session, peer_id, _permissions(body), version=body.version)
    return listing.peer_out(session, peer)


@router.put("/peers/{peer_id}/status", response_model=PeerOut)
def set_status(session: SessionDep, who: NetworkManager, peer_id: Id, body: StatusIn) -> PeerOut:
    """Suspend, resume (active) or remove a peer."""
    city_level(who, CITY)
    peer = service.set_status(session, peer_id, body.status, version=body.version)
    return listing.peer_out(session, peer)


@router.get("/messages", response_model=Page[MessageOut])
def list_messages(
    session: SessionDep,
    who: NetworkReader,
    page: PageDep,
    direction: Annotated[Direction | None, Query(description="sent or received.")] = None,
    kind: Annotated[list[Kind] | None, Query(description="Only these kinds.")] = None,
    peer_id: Annotated[Id | None, Query(description="Only this peer's.")] = None,
) -> Page[MessageOut]:
    """Messages newest first, a sent one with its delivery (queued … sent, or failed)."""
    rows, total = listing.messages(
        session,
        direction=direction,
        kinds=[k.value for k in kind or ()],
        peer_id=peer_id,
        limit=page.limit,
        offset=page.offset,
    )
    return page.answer(rows, total)


@router.post("/pings", response_model=list[MessageOut], status_code=202)
def ping(session: SessionDep, who: NetworkSender, body: PingIn) -> list[MessageOut]:
    """A signed hello to these peers: checks the trust set-up both ways."""
    city_level(who, CITY)
    to = [listing.peer_row(session, peer_id) for peer_id in body.to]
    ping = service.Distribution(Kind.ping, {}, status=body.status)
    sent = service.send(session, ping, to=to, by_user_id=who.user_id)
    return listing.described(session, sent)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None past the inbox's limit (read no further than that)."""
    limit = get_settings().network_max_message_kb * 1024
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


@router.post(
    "/inbox",
    response_model=ReceiptOut,
    responses={
        200: {"description": "Received before (a retry): stored once."},
        401: {"description": "Not signed by an active peer, or the signature fails."},
        403: {"description": "The peer may not send this kind."},
        409: {"description": "A replay: this distribution id came before with another body."},
        413: {"description": "Larger than the inbox accepts."},
        422: {"description": "The envelope cannot be read, or is for another node."},
    },
    status_code=202,
)
def receive(
    request: Request, session: SessionDep, body: Annotated[bytes | None, Depends(_body)]
) -> JSONResponse:
    """A peer's signed envelope (RFC 9421 signature, EDXL-DE envelope; docs/network.md).
    No user signs in here: the signature is the credential."""
    try:
        if body is None:
            limit = get_settings().network_max_message_kb
            raise TooLarge(f"A message to this node is at most {limit} kB.")
        receipt = inbox.receive(session, headers=request.headers, body=body)
    except CordonError as refused:
        session.rollback()
        recorder.note(
            session,
            "network.refused",
            "network_messages",
            None,
            sender=inbox.claimed_sender(request.headers),
            why=refused.detail[:300],
        )
        session.commit()  # the refusal is on record although the answer is an error
        raise
    out = ReceiptOut(
        distribution_id=receipt.distribution_id,
        received_at=receipt.received_at,
        state="already received" if receipt.again else "received",
    )
    status = 200 if receipt.again else 202
    return JSONResponse(out.model_dump(mode="json", by_alias=True), status_code=status)
