"""The auditor's page: who looked at or changed a person's records, newest first. The
person is named by id only (an auditor reads the log, not the registry); looking at the log
is itself recorded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cordon.access.roles import Permission
from cordon.audit import service
from cordon.audit.recorder import note
from cordon.core.deps import SessionDep
from cordon.web.templating import render
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
SHOWN = 100


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    person: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Who looked at this person? (``?person=`` an id: not personal data.)"""
    needs(who, Permission.audit_read)
    context: dict[str, object] = {"person": person, "entries": [], "total": 0}
    if person is not None:
        rows, total = service.entries(session, person_id=person, limit=SHOWN)
        note(session, "read", "audit_entries", None, [], person_id=person)
        context |= {"entries": rows, "total": total}
    return render(request, "audit/person.html", context, who=who)
