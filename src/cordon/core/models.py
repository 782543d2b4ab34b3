"""Column helpers shared by feature models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, func
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from cordon.core.dates import now

# BIGINT on PostgreSQL, INTEGER (the rowid alias, so autoincrementing) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """Now in UTC — the played moment while a replay runs (``core.dates.playing_at``)."""
    return now()


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, always timezone-aware UTC in Python — SQLite stores no zone, so
    values read back from it are marked UTC (they were written as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if isinstance(value, dt.datetime) and value.tzinfo is not None and dialect.name == "sqlite":
            return value.astimezone(dt.UTC)
        return value  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value  # type: ignore[no-any-return]


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime(), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )
