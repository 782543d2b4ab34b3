"""Early warnings: this city's CAP alerts as drafted, approved and sent, and its partners' as
received (docs/network.md, "Early warnings (CAP 1.2)")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped, UtcDateTime
from cordon.network.warning_enums import CapStatus, MsgType, Scope, WarningStatus


class EarlyWarning(Base, Timestamped):
    """One CAP alert: this city's (``peer_id`` null) or a partner's. ``alert`` is the alert
    that travels (``warning_schemas.Alert``); what lists and the feed filter on is copied out.

    An Update or a Cancel is an alert of its own in the same ``chain`` (the identifier of the
    chain's first alert); sending or receiving it makes the earlier ones no longer
    ``current``. A rule's proposal names its rule and subject, once each."""

    __tablename__ = "network_warnings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("network_peers.id"))
    sender: Mapped[str] = mapped_column(String(200))
    identifier: Mapped[str] = mapped_column(String(200))
    chain: Mapped[str] = mapped_column(String(200))
    msg_type: Mapped[MsgType] = mapped_column(Enum(MsgType, native_enum=False, length=16))
    cap_status: Mapped[CapStatus] = mapped_column(Enum(CapStatus, native_enum=False, length=16))
    scope: Mapped[Scope] = mapped_column(Enum(Scope, native_enum=False, length=16))
    status: Mapped[WarningStatus] = mapped_column(Enum(WarningStatus, native_enum=False, length=16))
    alert: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    rule_id: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(200))
    distribution_id: Mapped[str | None] = mapped_column(String(64))
    prepared_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ux_network_warnings_identifier", "sender", "identifier", unique=True),
        Index("ux_network_warnings_proposal", "rule_id", "subject", unique=True),
        Index("ix_network_warnings_chain", "sender", "chain"),
        Index("ix_network_warnings_listed", "peer_id", "status", "current"),
    )
