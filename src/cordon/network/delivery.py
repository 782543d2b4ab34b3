"""The outbox's sender for the network channel: POST the envelope to the peer's inbox over
HTTPS, signed at the moment it leaves (RFC 9421), and read the peer's acknowledgement.

The signature is made at each attempt, so a message that waited a day for its peer still
carries a fresh ``created``; the body, and so the distribution id and digest, never change.
Answers: 2xx — delivered (the peer stored it, now or before); 401 — transient (the peer may
not have imported this node's new card yet); 403, 409, 413, 422 — refused for good; other
answers and network errors — transient, tried again after the outbox's back-off."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.config import Settings
from cordon.core.db import get_engine
from cordon.network import keys, signing
from cordon.network.enums import KeyUse, PeerStatus
from cordon.network.models import Peer
from cordon.network.service import this_node
from cordon.outbox.channels import DeliveryError, Outgoing

PERMANENT = frozenset({400, 403, 404, 405, 409, 413, 415, 422})
CACHE_SECONDS = 30.0  # a peer's address or this node's key is read again after this


@dataclass(frozen=True)
class _Signer:
    key_id: str
    key: Ed25519PrivateKey


class NetworkSender:
    def __init__(self, settings: Settings) -> None:
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(settings.network_ca_file))
            if settings.network_ca_file
            else True
        )
        self.client = httpx.Client(
            timeout=settings.outbox_send_timeout, verify=verify, follow_redirects=False
        )
        self._read_at = -CACHE_SECONDS
        self._signer: _Signer | None = None
        self._peers: dict[str, tuple[str, PeerStatus]] = {}

    def _refresh(self) -> None:
        if time.monotonic() - self._read_at < CACHE_SECONDS:
            return
        with Session(get_engine()) as session:
            key = keys.current(session, KeyUse.signing) if this_node(session) else None
            self._signer = _Signer(key.key_id, keys.signing_key(key)) if key else None
            self._peers = {p.node_id: (p.base_url, p.status) for p in session.scalars(select(Peer))}
        self._read_at = time.monotonic()

    def send(self, message: Outgoing) -> str | None:
        self._refresh()
        if self._signer is None:
            raise DeliveryError("this node has no network identity", permanent=False)
        base_url, status = self._peers.get(message.recipient, ("", PeerStatus.removed))
        if status is PeerStatus.removed:
            raise DeliveryError("not a peer of this node", permanent=True)
        if status is PeerStatus.suspended:
            raise DeliveryError("peer suspended", permanent=False)
        body = message.body.encode()
        url = base_url + signing.INBOX
        distribution_id = message.key.split(":")[1]  # network:<distribution id>:<peer>
        headers = signing.signed_headers(
            url, body, key_id=self._signer.key_id, key=self._signer.key, nonce=distribution_id
        )
        try:
            answer = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(
                f"peer unreachable ({type(exc).__name__})", permanent=False
            ) from None
        if answer.is_success:
            return str(distribution_id)
        raise DeliveryError(
            f"peer answered {answer.status_code}{_detail(answer)}",
            permanent=answer.status_code in PERMANENT,
        )

    def close(self) -> None:
        self.client.close()


def _detail(answer: httpx.Response) -> str:
    """The peer's problem detail (it names the field and the rule, never a person)."""
    try:
        detail = answer.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    return f": {str(detail)[:200]}" if detail else ""


def sender(settings: Settings) -> NetworkSender:
    """The network channel's sender (installed on the outbox by ``cordon.wiring``)."""
    return NetworkSender(settings)
