"""HTTP: the samples to take from people in isolation, and their results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status

from cordon.access import guard
from cordon.access.deps import CurrentPrincipal
from cordon.access.roles import Permission
from cordon.access.who import LabWriter
from cordon.cases import lab
from cordon.cases.lab import LabReport
from cordon.cases.schemas import LabTestIn, LabTestOut, ResultIn
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden
from cordon.core.pagination import Page, PageDep
from cordon.isolation import tasks
from cordon.isolation.schemas import DueTaskOut

router = APIRouter(tags=["isolation"])


@router.get("/isolation/lab-tasks", response_model=Page[DueTaskOut])
def due_tasks(
    session: SessionDep,
    who: CurrentPrincipal,
    page: PageDep,
    on: Annotated[dt.date | None, Query(description="Due on or before (default today).")] = None,
) -> Page[DueTaskOut]:
    """Samples still to take, due on or before the day, oldest first, in your jurisdiction:
    for the ward health station that takes them and the laboratory."""
    if not (who.can(Permission.isolation_read) or who.can(Permission.lab_write)):
        raise Forbidden(f"Your role ({who.role.title}) may not see sampling tasks.")
    rows, total = tasks.due(session, scope=who.scope, on=on, limit=page.limit, offset=page.offset)
    names = guard.shown(session, who, "lab_tasks", [t.person_id for t in rows], view="due")
    items = [DueTaskOut.of(t, name=names.get(t.person_id, "")) for t in rows]
    return page.answer(items, total)


@router.post(
    "/isolation/lab-tasks/{task_id}/tests",
    response_model=LabTestOut,
    status_code=status.HTTP_201_CREATED,
)
def sample_of_task(session: SessionDep, who: LabWriter, task_id: Id, body: LabTestIn) -> LabTestOut:
    """The sample of a task and its result (``pending`` while the laboratory works; the
    result follows with ``POST /lab-tests/{id}/result``). A positive result makes the
    person a suspected case and raises a flag for the ward; with ``confirm``, a positive
    PCR confirms the case."""
    task = tasks.get_task(session, task_id)
    guard.person(session, who, task.person_id)
    test = tasks.record(session, task_id, LabReport(**body.model_dump()))
    return LabTestOut.model_validate(test)


@router.post("/lab-tests/{test_id}/result", response_model=LabTestOut)
def result_of_test(session: SessionDep, who: LabWriter, test_id: Id, body: ResultIn) -> LabTestOut:
    """The result of a sample recorded as awaited (``pending``)."""
    guard.person(session, who, lab.person_of_test(session, test_id))
    test = lab.record_result(session, test_id, **body.model_dump())
    return LabTestOut.model_validate(test)
