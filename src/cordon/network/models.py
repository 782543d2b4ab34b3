"""This node, its keys, its peers and the messages exchanged with them (ADR 0021)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime
from cordon.network.enums import (
    Direction,
    DistributionStatus,
    KeyUse,
    PeerStatus,
    ReportStatus,
    ShareState,
)


class NodeIdentity(Base, Timestamped):
    """Who this Cordon is on the network: one row, made by ``cordon network init``."""

    __tablename__ = "network_node"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    population: Mapped[int | None] = mapped_column(Integer)
    # the worker sends the approved report of the day at this local time (none: by hand only)
    sitrep_daily_at: Mapped[dt.time | None] = mapped_column(Time)


class NodeKey(Base, Timestamped):
    """A key pair of this node. The private half is sealed with the installation's key
    (``core.security.secret_key``); it is never stored, logged or shown in clear. The newest
    key of a use signs; an older one stays valid for peers until ``valid_until``."""

    __tablename__ = "network_node_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(100), unique=True)
    use: Mapped[KeyUse] = mapped_column(Enum(KeyUse, native_enum=False, length=16))
    public: Mapped[str] = mapped_column(String(64))  # base64url of the 32 raw bytes
    private_sealed: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    valid_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Peer(Base, Timestamped):
    """A partner city, added by importing its peer card, and what it may do."""

    __tablename__ = "network_peers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    population: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[PeerStatus] = mapped_column(
        Enum(PeerStatus, native_enum=False, length=16), default=PeerStatus.active
    )
    may_send: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds accepted from it
    may_receive: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds sent to it
    handovers: Mapped[bool] = mapped_column(Boolean, default=False)
    lawful_basis: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PeerKey(Base, Timestamped):
    """A public key of a peer, from its card; a rotation adds one and ends the old one."""

    __tablename__ = "network_peer_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("network_peers.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(String(100), unique=True)
    use: Mapped[KeyUse] = mapped_column(Enum(KeyUse, native_enum=False, length=16))
    public: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    valid_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_network_peer_keys_peer", "peer_id"),)


class NetworkMessage(Base, Timestamped):
    """A message sent to or received from a peer: its envelope as it travelled, once.

    A sent message's delivery is its outbox row (``outbox_message_id``): queued, sending,
    sent (the peer acknowledged it) or failed. A received message keeps the signature it
    came with, so that its origin can be shown later."""

    __tablename__ = "network_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    peer_id: Mapped[int] = mapped_column(ForeignKey("network_peers.id"))
    distribution_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[DistributionStatus] = mapped_column(
        Enum(DistributionStatus, native_enum=False, length=16)
    )
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text)  # the envelope's JSON, byte for byte as signed
    digest: Mapped[str] = mapped_column(String(100))  # the body's Content-Digest
    signature_input: Mapped[str | None] = mapped_column(Text)
    signature: Mapped[str | None] = mapped_column(Text)
    outbox_message_id: Mapped[int | None] = mapped_column(BigId)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ux_network_messages_once", "direction", "peer_id", "distribution_id", unique=True),
        Index("ix_network_messages_kind", "kind", "direction", "sent_at"),
    )


class SituationReport(Base, Timestamped):
    """A situation report: this city's (``peer_id`` null) as drafted, approved and sent, or a
    partner's as received. ``report`` is the payload that travels (``sitrep_schemas.SitRep``);
    ``as_of`` and ``number`` are copied out of it to sort and find reports."""

    __tablename__ = "network_sitreps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("network_peers.id"))
    number: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ReportStatus] = mapped_column(Enum(ReportStatus, native_enum=False, length=16))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    # copied out of ``report`` for the side-by-side view of the cities over time
    population: Mapped[int | None] = mapped_column(Integer)
    new_last_7: Mapped[int] = mapped_column(Integer)
    rt_mean: Mapped[float | None] = mapped_column(Float)
    days_since_community_case: Mapped[int | None] = mapped_column(Integer)
    beds_free: Mapped[int | None] = mapped_column(Integer)
    distribution_id: Mapped[str | None] = mapped_column(String(64))
    prepared_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_network_sitreps_peer_day", "peer_id", "as_of"),)


# One open share per person: pending or accepted, whatever the peer (docs/network.md).
OPEN_SENT = "direction = 'sent' AND state IN ('pending', 'accepted')"


class PersonShare(Base, Timestamped):
    """A person handed over to a partner city (``sent``: ``person_id`` is ours) or from one
    (``received``: ``person_id`` is the person its acceptance made or chose). Both sides
    know it by ``share_id``. A received share keeps the personal part as it came, sealed to
    this node's key (``sealed_to``): opened in memory to preview or accept it, never stored
    in clear. A sent one keeps no personal part: the person is in our registry."""

    __tablename__ = "network_shares"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    share_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    peer_id: Mapped[int] = mapped_column(ForeignKey("network_peers.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    state: Mapped[ShareState] = mapped_column(Enum(ShareState, native_enum=False, length=16))
    lawful_basis: Mapped[str] = mapped_column(String(300))
    sealed_to: Mapped[str | None] = mapped_column(String(100))
    sealed: Mapped[str | None] = mapped_column(Text)
    request_distribution_id: Mapped[str] = mapped_column(String(64))
    answer_distribution_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(300))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ux_network_shares_once", "direction", "peer_id", "share_id", unique=True),
        Index(
            "ux_network_shares_open",
            "person_id",
            unique=True,
            sqlite_where=text(OPEN_SENT),
            postgresql_where=text(OPEN_SENT),
        ),
        Index("ix_network_shares_person", "person_id"),
        Index("ix_network_shares_state", "direction", "state", "id"),
    )
