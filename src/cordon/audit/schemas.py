from __future__ import annotations

import datetime as dt
from typing import Any

from cordon.core.schemas import Out


class AuditEntryOut(Out):
    seq: int
    at: dt.datetime
    actor_user_id: int | None
    actor: str
    client_address: str | None
    action: str
    resource: str
    resource_id: str | None
    subjects: list[int]
    detail: dict[str, Any]
    hash: str


class VerdictOut(Out):
    intact: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str]
