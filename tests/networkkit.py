"""A partner city as the tests play it: its own keys and card, and envelopes it signs for
this node's inbox exactly as a Cordon node does (``network.signing``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import nacl.public
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from http_message_signatures import HTTPMessageSigner, algorithms

from cordon.network.cards import PeerCard
from cordon.network.enums import DistributionStatus, KeyUse, Kind
from cordon.network.envelope import addressed
from cordon.network.keys import b64, unb64
from cordon.network.signing import COVERED, INBOX, LABEL, TAG, _Keys, _Request

HERE = "vn-hanoi"  # the node under test
HERE_URL = "https://cordon.hanoi.example"


@dataclass
class Partner:
    node_id: str
    key_id: str
    key: Ed25519PrivateKey
    sealing: nacl.public.PrivateKey
    to: str = HERE
    peer_id: int = 0
    base_url: str = HERE_URL  # the node it signs for: the inbox verifies against its own URL

    @classmethod
    def new(cls, node_id: str) -> Partner:
        return cls(
            node_id=node_id,
            key_id=f"{node_id}#sig-1",
            key=Ed25519PrivateKey.generate(),
            sealing=nacl.public.PrivateKey.generate(),
        )

    def card(self, base_url: str | None = None) -> PeerCard:
        return PeerCard.of_keys(
            node_id=self.node_id,
            name=f"City of {self.node_id}",
            base_url=base_url or f"https://{self.node_id}.example",
            population=9_700_000,
            signing=self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            sealing=bytes(self.sealing.public_key),
            since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )

    def sealed_share(self, card: PeerCard, content: dict[str, Any]) -> dict[str, Any]:
        """A share-request's payload: ``content`` sealed to the sealing key of ``card`` (the
        node under test's card, ``service.card``), as a Cordon node seals it."""
        key = next(k for k in card.keys if k.use is KeyUse.sealing and k.valid_until is None)
        box = nacl.public.SealedBox(nacl.public.PublicKey(unb64(key.public)))
        return {
            "share_id": content["share_id"],
            "state": "pending",
            "lawful_basis": content["lawful_basis"],
            "sealed_to": key.key_id,
            "sealed": b64(box.encrypt(json.dumps(content).encode())),
        }

    def opened(self, sealed: str) -> dict[str, Any]:
        """The personal part of a share sealed to this partner, opened with its private key."""
        return dict(json.loads(nacl.public.SealedBox(self.sealing).decrypt(unb64(sealed))))

    def signed(
        self,
        kind: Kind,
        *,
        to: str | None = None,
        payload: dict[str, Any] | None = None,
        created: dt.datetime | None = None,
        references: list[str] | None = None,
        status: DistributionStatus = DistributionStatus.actual,
    ) -> tuple[bytes, dict[str, str]]:
        envelope = addressed(
            sender=self.node_id,
            recipient=to or self.to,
            kind=kind,
            payload=payload or {},
            sent_at=dt.datetime.now(dt.UTC),
            references=references,
            status=status,
        )
        body = envelope.body().encode()
        return body, self.resigned(body, created=created)

    def resigned(self, body: bytes, *, created: dt.datetime | None = None) -> dict[str, str]:
        """Headers signing ``body`` now (or at ``created``), with its distribution id."""
        request = _Request("POST", self.base_url + INBOX, {"Content-Type": "application/json"})
        HTTPMessageSigner(
            signature_algorithm=algorithms.ED25519, key_resolver=_Keys(self.key)
        ).sign(
            request,
            key_id=self.key_id,
            nonce=json.loads(body).get("distributionID"),
            label=LABEL,
            tag=TAG,
            covered_component_ids=COVERED,
            body=body,
            created=created,
        )
        return request.headers
