from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, UtcDateTime, utcnow


class ImportJob(Base):
    """A line-list import started from the web app, run in the background: its final state
    (counts, or the problems by row and column) is kept for the person who started it."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # cases | exposures
    filename: Mapped[str] = mapped_column(String(200))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|done|failed
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # the first 1,000
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text)
    skip_invalid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Every problem with its cell's value, and the rows left out (skip_invalid), as CSV: for
    # the person who imported (they hold the list's own data), never shown to anyone else.
    errors_file: Mapped[str | None] = mapped_column(Text)
    rejected_file: Mapped[str | None] = mapped_column(Text)
