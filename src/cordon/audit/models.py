from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import UtcDateTime


class AuditEntry(Base):
    """One look at or change of records: who, when, from where, what, before and after.

    Append-only (triggers refuse UPDATE and DELETE) and hash-chained: ``hash`` is the
    SHA-256 of the previous entry's hash and this entry's content (``audit/chain.py``).
    """

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(120))  # username, or cli:<os user>, or system
    client_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # read, create, update, delete, sign-in …
    resource: Mapped[str] = mapped_column(String(64))  # people, cases, exposures, export …
    resource_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSubject(Base):
    """A person an entry concerns — what answers "who looked at this person?"."""

    __tablename__ = "audit_subjects"

    seq: Mapped[int] = mapped_column(ForeignKey("audit_entries.seq"), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)

    __table_args__ = (Index("ix_audit_subjects_person", "person_id", "seq"),)


class AuditHead(Base):
    """The chain's last position and hash, locked by each appending transaction."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
