"""Peer cards: what a node gives a partner city so that it can be added as a peer.

A card is JSON an administrator exports (``cordon network card``) and hands over by any
channel both cities trust; the other city's administrator imports it and then decides what
the peer may send and receive. It names the node and carries its public keys only."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from cordon.network.enums import KeyUse
from cordon.network.keys import b64

NODE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # vn-hanoi, kr-seoul
NodeId = Annotated[str, StringConstraints(pattern=NODE_ID.pattern, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Contact = Annotated[str, StringConstraints(max_length=300, strip_whitespace=True)]
PublicKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]  # 32 bytes
CARD_SIZE = 16 * 1024


def checked_url(value: str) -> str:
    """An https base URL (http only on the loopback, for a node tried on one machine),
    without query or fragment, without a trailing slash."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if len(value) > 300 or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("must be a base URL such as https://cordon.example.org")
    if parts.scheme == "http":
        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = parts.hostname == "localhost"
        if not loopback:
            raise ValueError("must use https (http only on this machine's loopback)")
    elif parts.scheme != "https":
        raise ValueError("must use https")
    return value


class CardKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key_id: Annotated[str, StringConstraints(min_length=3, max_length=100)]
    use: KeyUse
    public: PublicKey
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None


class PeerCard(BaseModel):
    """A node as its partners see it."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["cordon-peer-card/1"] = "cordon-peer-card/1"
    node_id: NodeId
    name: Short
    base_url: str
    contact: Contact | None = None
    population: Annotated[int, Field(ge=1, le=2_000_000_000)] | None = None
    keys: Annotated[list[CardKey], Field(min_length=2, max_length=20)]

    _url = field_validator("base_url")(checked_url)

    @classmethod
    def of_keys(
        cls,
        *,
        node_id: str,
        name: str,
        base_url: str,
        signing: bytes,
        sealing: bytes,
        since: dt.datetime,
        population: int | None = None,
        contact: str | None = None,
    ) -> PeerCard:
        """The card of a node with one signing and one sealing key (their raw public
        bytes), ``#sig-1`` and ``#seal-1``, valid from ``since``."""
        return cls(
            node_id=node_id,
            name=name,
            base_url=base_url,
            population=population,
            contact=contact,
            keys=[
                CardKey(
                    key_id=f"{node_id}#sig-1",
                    use=KeyUse.signing,
                    public=b64(signing),
                    valid_from=since,
                ),
                CardKey(
                    key_id=f"{node_id}#seal-1",
                    use=KeyUse.sealing,
                    public=b64(sealing),
                    valid_from=since,
                ),
            ],
        )

    @model_validator(mode="after")
    def _own_keys_of_both_uses(self) -> PeerCard:
        if {k.use for k in self.keys} != set(KeyUse):
            raise ValueError("keys: needs a signing key and a sealing key")
        for key in self.keys:
            if not key.key_id.startswith(f"{self.node_id}#"):
                raise ValueError(f"keys: {key.key_id} is not a key of {self.node_id}")
        return self
