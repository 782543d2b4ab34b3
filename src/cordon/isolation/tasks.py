"""Sampling tasks of people in isolation: the regime's test days (and a symptomatic
contact's test), listed for the ward and the laboratory, met by the tests recorded.

A task is met by any test of the person whose sample was taken on its day or later,
whichever way the test was recorded (here, on a case, by an import): the ``LabTested``
reaction marks it done. A result still awaited keeps the order from release (``release``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cordon.cases import lab
from cordon.cases.models import LabTest
from cordon.core.dates import today
from cordon.core.db import atomic
from cordon.core.errors import N_, Conflict, InvalidInput, NotFound
from cordon.core.pagination import paged
from cordon.core.scope import CITY, Scope
from cordon.events import LabTested
from cordon.isolation.enums import TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask


def on_lab_tested(session: Session, event: LabTested) -> None:
    """The person's scheduled samples due on or before the day this one was taken are met."""
    session.execute(
        update(LabTask)
        .where(
            LabTask.person_id == event.person_id,
            LabTask.status == TaskStatus.scheduled,
            LabTask.due_on <= event.sample_taken_on,
        )
        .values(status=TaskStatus.done, lab_test_id=event.lab_test_id),
        execution_options={"synchronize_session": False},
    )


def get_task(session: Session, task_id: int) -> LabTask:
    task = session.get(LabTask, task_id)
    if task is None:
        raise NotFound.of(N_("No sampling task with id %(id)s."), id=task_id)
    return task


def due(
    session: Session,
    *,
    scope: Scope = CITY,
    on: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[LabTask], int]:
    """Samples still to take on or before ``on`` (today), oldest first: the ward's and the
    laboratory's list. A task of a closed order was cancelled with it."""
    day = on or today()
    query = select(LabTask).where(LabTask.status == TaskStatus.scheduled, LabTask.due_on <= day)
    if not scope.whole_city:
        query = query.join(IsolationOrder, IsolationOrder.id == LabTask.order_id).where(
            scope.where(IsolationOrder.ward_id, IsolationOrder.person_id)
        )
    return paged(session, query, LabTask.due_on, LabTask.id, limit=limit, offset=offset)


@atomic
def record(session: Session, task_id: int, report: lab.LabReport) -> LabTest:
    """The sample of a task, with its result (or ``pending`` while the laboratory works):
    recorded as a test of the person, which meets the task (``on_lab_tested``)."""
    task = get_task(session, task_id)
    if task.status is not TaskStatus.scheduled:
        raise Conflict.of(
            N_("This sampling task is %(status)s: record the test on the person instead."),
            status=task.status.value,
        )
    if report.sample_taken_on < task.due_on:
        raise InvalidInput.on(
            "sample_taken_on",
            N_("is before the day the sample is due (%(day)s)"),
            day=task.due_on,
        )
    return lab.add_person_test(session, task.person_id, report)
