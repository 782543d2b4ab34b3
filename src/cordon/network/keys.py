"""This node's key pairs: made, sealed at rest, rotated, and read back to sign and open.

Ed25519 (``cryptography``) signs every request the node sends (RFC 9421); X25519 (libsodium
through PyNaCl) is the key personal payloads are sealed to. Private halves are stored sealed
with a key derived from the installation's secret (``core.security.secret_key``) by keyed
BLAKE2b; no private key is ever written, logged or shown in clear."""

from __future__ import annotations

import base64
import datetime as dt

import nacl.encoding
import nacl.hash
import nacl.public
import nacl.secret
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.core.dates import now
from cordon.core.security import secret_key
from cordon.network.enums import KeyUse
from cordon.network.models import NodeKey

PREFIX = {KeyUse.signing: "sig", KeyUse.sealing: "seal"}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _box() -> nacl.secret.SecretBox:
    key = nacl.hash.blake2b(
        b"network keys at rest",
        key=secret_key()[:64],
        person=b"cordon-network",
        digest_size=nacl.secret.SecretBox.KEY_SIZE,
        encoder=nacl.encoding.RawEncoder,
    )
    return nacl.secret.SecretBox(key)


def _pair(use: KeyUse) -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    if use is KeyUse.signing:
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return private.private_bytes_raw(), public
    sealing = nacl.public.PrivateKey.generate()
    return bytes(sealing), bytes(sealing.public_key)


def make_key(session: Session, node_id: str, use: KeyUse) -> NodeKey:
    """A new key pair of ``use``, valid from now (the caller commits)."""
    private, public = _pair(use)
    moment = now()
    key = NodeKey(
        key_id=f"{node_id}#{PREFIX[use]}-{moment:%Y%m%dT%H%M%S%f}",
        use=use,
        public=b64(public),
        private_sealed=b64(bytes(_box().encrypt(private))),
        valid_from=moment,
    )
    session.add(key)
    session.flush()
    return key


def current(session: Session, use: KeyUse) -> NodeKey | None:
    """The newest key of ``use``: the one that signs, or that peers seal to."""
    return session.scalar(
        select(NodeKey)
        .where(NodeKey.use == use, NodeKey.valid_until.is_(None))
        .order_by(NodeKey.valid_from.desc(), NodeKey.id.desc())
        .limit(1)
    )


def valid(session: Session, use: KeyUse, at: dt.datetime | None = None) -> list[NodeKey]:
    """Keys of ``use`` peers may still rely on at ``at``: the current one and those in
    their overlap after a rotation; newest first."""
    at = at or now()
    rows = session.scalars(
        select(NodeKey).where(NodeKey.use == use).order_by(NodeKey.valid_from.desc())
    )
    return [k for k in rows if k.valid_until is None or k.valid_until > at]


def private_bytes(key: NodeKey) -> bytes:
    return bytes(_box().decrypt(unb64(key.private_sealed)))


def signing_key(key: NodeKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(private_bytes(key))


def sealing_key(key: NodeKey) -> nacl.public.PrivateKey:
    return nacl.public.PrivateKey(private_bytes(key))


def verifying_key(public: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(public))
