from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cordon.core.schemas import Out
from cordon.network.cards import Contact, PeerCard, Short
from cordon.network.enums import AGGREGATE, Direction, DistributionStatus, Kind, PeerStatus
from cordon.outbox.enums import MessageStatus


class NodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    node_id: Annotated[
        str, Field(max_length=63, description="e.g. vn-hanoi: lower-case letters, digits, hyphens.")
    ]
    name: Short
    base_url: Annotated[
        str, Field(max_length=300, description="https://… where peers reach this node.")
    ]
    contact: Contact | None = None
    population: Annotated[int, Field(ge=1, le=2_000_000_000)] | None = None


class NodeOut(Out):
    node_id: str
    name: str
    base_url: str
    contact: str | None
    population: int | None
    card: PeerCard


class PermissionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    may_send: Annotated[
        list[Kind], Field(max_length=len(Kind), description="Kinds accepted from the peer.")
    ] = sorted(AGGREGATE)
    may_receive: Annotated[
        list[Kind], Field(max_length=len(Kind), description="Kinds sent to the peer.")
    ] = sorted(AGGREGATE)
    handovers: bool = Field(default=False, description="People may be handed over both ways.")
    lawful_basis: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        default=None, description="The law the handovers rest on (needed with handovers)."
    )


class PeerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card: PeerCard
    permissions: PermissionsIn = PermissionsIn()


class CardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card: PeerCard
    version: Annotated[int, Field(ge=1, le=2**31)]


class PermissionsChange(PermissionsIn):
    version: Annotated[int, Field(ge=1, le=2**31)]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: PeerStatus
    version: Annotated[int, Field(ge=1, le=2**31)]


class PeerKeyOut(Out):
    key_id: str
    use: str
    public: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


class PeerOut(Out):
    id: int
    node_id: str
    name: str
    base_url: str
    contact: str | None
    population: int | None
    status: PeerStatus
    may_send: list[str]
    may_receive: list[str]
    handovers: bool
    lawful_basis: str | None
    version: int
    keys: list[PeerKeyOut]


class PingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Annotated[
        list[Annotated[int, Field(ge=1, le=2**63 - 1)]], Field(min_length=1, max_length=200)
    ]
    status: DistributionStatus = DistributionStatus.test


class MessageOut(Out):
    id: int
    direction: Direction
    peer: str  # the peer's node id
    distribution_id: str
    kind: str
    status: DistributionStatus
    sent_at: dt.datetime
    references: list[str]
    delivery: MessageStatus | None = Field(
        description="A sent message's delivery: queued, sending, sent (acknowledged), failed."
    )
    attempts: int | None
    last_error: str | None
    received_at: dt.datetime | None


class ReceiptOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    distribution_id: str = Field(alias="distributionID")
    received_at: dt.datetime = Field(alias="receivedAt")
    state: str = Field(description="received, or already received (a retry: stored once).")
