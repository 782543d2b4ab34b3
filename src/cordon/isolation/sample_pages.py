"""Samples to take in the web app: the jurisdiction's sampling tasks due today or before,
oldest first; the laboratory records each sample with its result on the same page. Results
to enter: the samples taken whose result is awaited, each with its result form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.cases import lab
from cordon.cases.enums import TestMethod, TestResult
from cordon.core.bounds import Id
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError
from cordon.isolation import tasks
from cordon.web.filters import PageNumber
from cordon.web.forms import PostedForm, Reader, value
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _may_see(who: Principal) -> None:
    if not who.can(Permission.lab_write):
        needs(who, Permission.isolation_read)


def _page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: int,
    *,
    failed: int | None = None,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    rows, total = tasks.due(session, scope=who.scope, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    names = guard.shown(session, who, "lab_tasks", [t.person_id for t in rows], view="due")
    context = {
        "tasks": rows,
        "total": total,
        "names": names,
        "can_record": who.can(Permission.lab_write),
        "methods": list(TestMethod),
        "results": list(TestResult),
        "failed": failed,
        "today": today().isoformat(),
        "typed": typed or {},
        "errors": errors or {},
        **paging(total, page, PER_PAGE),
    }
    status = 422 if errors else 200
    return render(request, "isolation/samples.html", context, who=who, status=status)


@router.get("/isolation/samples")
def samples_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    page: PageNumber = 1,
) -> Response:
    _may_see(who)
    return _page(request, session, who, page)


@router.post("/isolation/samples/{task_id}")
def record_sample(
    request: Request, session: SessionDep, who: PageUser, task_id: Id, form: PostedForm
) -> Response:
    """The sample of a task with its result (or awaited)."""
    needs(who, Permission.lab_write)
    guard.person(session, who, tasks.get_task(session, task_id).person_id)
    reader = Reader(texts_for(request, who))
    typed = {f: value(form, f) for f in ("sample_taken_on", "method", "result", "ct_value")}
    taken = reader.date("sample_taken_on", typed["sample_taken_on"], required=True)
    method = reader.choice("method", typed["method"], TestMethod)
    result = reader.choice("result", typed["result"], TestResult)
    ct = reader.number("ct_value", typed["ct_value"], 0, 50)
    if reader.ok() and taken and method and result:
        try:
            tasks.record(
                session,
                task_id,
                lab.LabReport(
                    method=method,
                    sample_taken_on=taken,
                    result=result,
                    result_on=None if result is TestResult.pending else taken,
                    ct_value=ct,
                    changed_by=who.username,
                ),
            )
        except CordonError as exc:
            reader.refused(exc, otherwise="task")
    if not reader.ok():
        return _page(request, session, who, 1, failed=task_id, typed=typed, errors=reader.errors)
    return RedirectResponse("/isolation/samples", status_code=303)


RESULTS = (TestResult.positive, TestResult.negative, TestResult.inconclusive)


def _results_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    *,
    failed: int | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    rows, total = lab.awaiting_results(session, scope=who.scope, limit=PER_PAGE)
    ids = [t.person_id for t in rows]
    names = guard.shown(session, who, "lab_tests", ids, view="awaiting results")
    context = {
        "tests": rows,
        "total": total,
        "names": names,
        "results": RESULTS,
        "failed": failed,
        "today": today().isoformat(),
        "errors": errors or {},
    }
    status = 422 if errors else 200
    return render(request, "isolation/results.html", context, who=who, status=status)


@router.get("/lab/results")
def results_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    """Samples taken whose result the laboratory is still to enter, oldest first."""
    needs(who, Permission.lab_write)
    return _results_page(request, session, who)


@router.post("/lab/results/{test_id}")
def enter_result(
    request: Request, session: SessionDep, who: PageUser, test_id: Id, form: PostedForm
) -> Response:
    """The result of an awaited sample."""
    needs(who, Permission.lab_write)
    guard.person(session, who, lab.person_of_test(session, test_id))
    reader = Reader(texts_for(request, who))
    result = reader.choice("result", value(form, "result"), TestResult)
    result_on = reader.date("result_on", value(form, "result_on"), required=True)
    ct = reader.number("ct_value", value(form, "ct_value"), 0, 50)
    if reader.ok() and result and result_on:
        try:
            lab.record_result(
                session,
                test_id,
                result=result,
                result_on=result_on,
                ct_value=ct,
                changed_by=who.username,
            )
        except CordonError as exc:
            reader.refused(exc, otherwise="test")
    if not reader.ok():
        return _results_page(request, session, who, failed=test_id, errors=reader.errors)
    return RedirectResponse("/lab/results", status_code=303)
