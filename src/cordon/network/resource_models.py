"""Resource requests and offers between cities (EDXL-RM): each exchange, its items and the
steps it went through (``resource_states`` says which steps may follow which).

The board records what the cities agreed, not a stock: no ledger of supplies is kept here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime
from cordon.network.enums import DistributionStatus
from cordon.network.resource_states import (
    Answer,
    ExchangeKind,
    ResourceKind,
    Side,
    State,
    Step,
    Unit,
)


def _enum(kind: type[Any]) -> Enum:
    return Enum(kind, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class ResourceExchange(Base, Timestamped):
    """One request or offer between this city and one partner: ours (this city sent it) or
    theirs (received). ``message_id`` is EDXL-RM's MessageID of the opening message: the
    distribution id it travelled in, which every later step refers to."""

    __tablename__ = "network_resource_exchanges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    side: Mapped[Side] = mapped_column(_enum(Side))
    peer_id: Mapped[int] = mapped_column(ForeignKey("network_peers.id"))
    message_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ExchangeKind] = mapped_column(_enum(ExchangeKind))
    state: Mapped[State] = mapped_column(_enum(State))
    status: Mapped[DistributionStatus] = mapped_column(_enum(DistributionStatus))
    incident: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000))
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    delivery_place: Mapped[str | None] = mapped_column(String(300))
    conditions: Mapped[str | None] = mapped_column(String(1000))
    # the officer to call: a work contact, never anyone's health data
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_role: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ux_network_resource_exchanges_message", "peer_id", "message_id", unique=True),
        Index("ix_network_resource_exchanges_state", "state", "side"),
    )


class ResourceItem(Base):
    """One resource of an exchange (EDXL-RM ResourceInformation): what, how many, and how
    many the provider committed so far (never more than ``quantity``)."""

    __tablename__ = "network_resource_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("network_resource_exchanges.id", ondelete="CASCADE")
    )
    item: Mapped[int] = mapped_column(Integer)  # ResourceInfoElementID: 1, 2, …
    kind: Mapped[ResourceKind] = mapped_column(_enum(ResourceKind))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[Unit] = mapped_column(_enum(Unit))
    role: Mapped[str | None] = mapped_column(String(200))  # staff: the role asked for
    from_date: Mapped[dt.date | None] = mapped_column(Date)  # staff: the period they serve
    to_date: Mapped[dt.date | None] = mapped_column(Date)
    committed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ux_network_resource_items_item", "exchange_id", "item", unique=True),
        Index("ix_network_resource_items_kind", "kind"),
    )


class ResourceStep(Base):
    """A step of an exchange after it opened, in order: an answer, a commit, a delivery, a
    release, a request to return, a withdrawal — taken here (``ours``) or by the partner."""

    __tablename__ = "network_resource_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("network_resource_exchanges.id", ondelete="CASCADE")
    )
    step: Mapped[Step] = mapped_column(_enum(Step))
    message_kind: Mapped[str | None] = mapped_column(String(32))  # None: not sent (delivery)
    ours: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(200))
    answer: Mapped[Answer | None] = mapped_column(_enum(Answer))
    reason: Mapped[str | None] = mapped_column(String(1000))
    quantities: Mapped[dict[str, int] | None] = mapped_column(JSON)  # item → committed now
    distribution_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_network_resource_steps_exchange", "exchange_id", "id"),)
