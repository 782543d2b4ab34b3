"""Imports and exports in the web app. An import runs in the background with a progress bar
and ends with its counts, or with every problem by row and column (nothing written). An
export is the API's download, filtered by a form (the same jurisdiction, audit, pseudonyms).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from cordon.access.roles import Permission
from cordon.cases.enums import CaseStatus
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import FieldProblem, NotFound
from cordon.transfer import jobs
from cordon.transfer.columns import Shape
from cordon.web.pages import PageUser, needs
from cordon.web.templating import render, texts_for

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 200 * 1024 * 1024  # a ministry list of a few hundred thousand rows fits


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    needs(who, Permission.import_)
    context = {"jobs": jobs.recent(session, who), "errors": {}, "form": {}}
    return render(request, "transfer/imports.html", context, who=who)


@router.post("/imports")
def start_import(
    request: Request,
    session: SessionDep,
    who: PageUser,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
    mapping: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    needs(who, Permission.import_)
    t = texts_for(request, who)
    errors: dict[str, str] = {}
    if not who.scope.whole_city:
        errors["file"] = t.gettext("Line lists hold the whole city's people: city level only.")
    if kind not in (Shape.cases.value, Shape.exposures.value):
        errors["kind"] = t.gettext("Choose what the list holds.")
    data = file.file.read(MAX_UPLOAD + 1) if file is not None and file.filename else b""
    if not data:
        errors.setdefault("file", t.gettext("Choose a CSV or XLSX file."))
    elif len(data) > MAX_UPLOAD:
        errors["file"] = t.gettext("The file is larger than 200 MB.")
    if errors:
        context = {"jobs": jobs.recent(session, who), "errors": errors, "form": {"kind": kind}}
        return render(request, "transfer/imports.html", context, who=who, status=422)
    rules = mapping.file.read() if mapping is not None and mapping.filename else None
    job = jobs.start(
        session,
        who,
        kind=Shape(kind),
        filename=(file.filename if file else None) or "upload",
        data=data,
        mapping=rules,
        dry_run=dry_run,
    )
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{job_id}")
def import_page(request: Request, session: SessionDep, who: PageUser, job_id: Id) -> Response:
    """The progress of an import (htmx polls this page while it runs), then its outcome."""
    needs(who, Permission.import_)
    job = jobs.mine(session, who, job_id)
    if job is None:
        raise NotFound(f"No import {job_id}.")
    context = {
        "job": job,
        "live": jobs.live(job_id) if job.status == "running" else None,
        "problems": [FieldProblem.from_record(p) for p in job.problems or []],
    }
    return render(request, "transfer/import.html", context, who=who)


@router.get("/exports")
def exports_page(request: Request, who: PageUser) -> Response:
    needs(who, Permission.export)
    context = {"statuses": list(CaseStatus)}
    return render(request, "transfer/exports.html", context, who=who)
