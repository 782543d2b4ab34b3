"""HTTP for auditors: query the log, export it, verify its chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine

from cordon.access.who import AuditReader
from cordon.audit import service
from cordon.audit.recorder import note
from cordon.audit.schemas import AuditEntryOut, VerdictOut
from cordon.core.bounds import Id
from cordon.core.db import new_session
from cordon.core.deps import SessionDep
from cordon.core.pagination import Page, PageDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/entries", response_model=Page[AuditEntryOut])
def entries(
    session: SessionDep,
    who: AuditReader,
    page: PageDep,
    person_id: Annotated[Id | None, Query(description="Who looked at or changed them.")] = None,
    actor_user_id: Annotated[Id | None, Query(description="What this user did.")] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Page[AuditEntryOut]:
    """The log, newest first. Looking at it is itself recorded."""
    rows, total = service.entries(
        session,
        person_id=person_id,
        actor_user_id=actor_user_id,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
    )
    subjects = service.subjects_of(session, [r.seq for r in rows])
    items = [AuditEntryOut.of(r, subjects=subjects[r.seq]) for r in rows]
    note(session, "read", "audit_entries", None, [], person_id=person_id, actor=actor_user_id)
    return page.answer(items, total)


@router.get("/export.jsonl")
def export(session: SessionDep, who: AuditReader, person_id: Id | None = None) -> StreamingResponse:
    """The log as JSON lines with its hashes, for checking outside Cordon."""
    note(session, "export", "audit_entries", None, [], person_id=person_id)
    bind = session.get_bind()
    assert isinstance(bind, Engine)

    def lines() -> Iterator[str]:
        reader = new_session(bind)  # the request's session closes before streaming ends
        try:
            yield from service.export_lines(
                reader, person_id=person_id, actor_user_id=None, since=None, until=None
            )
        finally:
            reader.close()

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="cordon-audit.jsonl"'},
    )


@router.get("/verify", response_model=VerdictOut)
def verify(session: SessionDep, who: AuditReader) -> VerdictOut:
    """Walk the whole chain: intact, or which entries were edited or removed."""
    return VerdictOut.model_validate(service.verify(session))
