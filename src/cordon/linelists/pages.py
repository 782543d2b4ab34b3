"""Imports and exports in the web app. An import runs in the background with a progress bar
and ends with its counts, or with every problem by row and column (nothing written). An
export is the API's download, filtered by a form (the same jurisdiction, audit, pseudonyms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from cordon.access.roles import Permission
from cordon.cases.enums import CaseStatus
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import FieldProblem, NotFound
from cordon.linelists import jobs
from cordon.linelists.columns import Shape, column_reference
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
MAX_MAPPING = 1024 * 1024
TEMPLATES = Path(__file__).with_name("templates")
DOWNLOADS = {  # what the import page offers: the templates, an example mapping, the reference
    "cases.csv": "text/csv; charset=utf-8",
    "exposures.csv": "text/csv; charset=utf-8",
    "mapping-vietnam-2020.toml": "text/plain; charset=utf-8",
}


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    needs(who, Permission.import_)
    context = {"jobs": jobs.recent(session, who), "errors": {}, "form": {}}
    return render(request, "linelists/imports.html", context, who=who)


@router.post("/imports")
def start_import(
    request: Request,
    session: SessionDep,
    who: PageUser,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
    mapping: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
) -> Response:
    needs(who, Permission.import_)
    t = texts_for(request, who)
    errors: dict[str, str] = {}
    if not who.scope.whole_city:
        errors["file"] = t.gettext("Line lists hold the whole city's people: city level only.")
    if kind not in (Shape.cases.value, Shape.exposures.value):
        errors["kind"] = t.gettext("Choose what the list holds.")
    if file is None or not file.filename or not file.size:
        errors.setdefault("file", t.gettext("Choose a CSV or XLSX file."))
    if errors or file is None:
        context = {"jobs": jobs.recent(session, who), "errors": errors, "form": {"kind": kind}}
        return render(request, "linelists/imports.html", context, who=who, status=422)
    rules = mapping.file.read(MAX_MAPPING) if mapping is not None and mapping.filename else None
    job = jobs.start(
        session,
        who,
        kind=Shape(kind),
        filename=file.filename or "upload",
        data=file.file,  # spooled to disk by the server: copied, never read whole
        mapping=rules,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
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
    return render(request, "linelists/import.html", context, who=who)


@router.get("/imports/{job_id:int}/{which}.csv")
def import_file_download(session: SessionDep, who: PageUser, job_id: Id, which: str) -> Response:
    """The job's every problem (row, column, value, message), or its rejected rows with an
    error column: for the person who imported only (they hold the list's own cells)."""
    needs(who, Permission.import_)
    job = jobs.mine(session, who, job_id)
    text = {"errors": job.errors_file, "rejected": job.rejected_file}.get(which) if job else None
    if text is None:
        raise NotFound(f"No {which} file for import {job_id}.")
    name = f"import-{job_id}-{which}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/imports/templates/{name}")
def template_download(who: PageUser, name: str) -> Response:
    """A template, the example mapping file, or a column reference (``columns-cases.csv``:
    each column, whether it is required, how it is read, the values it takes)."""
    needs(who, Permission.import_)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    shape = name.removeprefix("columns-").removesuffix(".csv")
    if name.startswith("columns-") and shape in Shape.__members__:
        data = column_reference(Shape(shape))
        return Response(data, media_type="text/csv; charset=utf-8", headers=headers)
    if name not in DOWNLOADS:
        raise NotFound(f"No template {name}.")
    return Response((TEMPLATES / name).read_bytes(), media_type=DOWNLOADS[name], headers=headers)


@router.get("/exports")
def exports_page(request: Request, who: PageUser) -> Response:
    needs(who, Permission.export)
    context = {"statuses": list(CaseStatus)}
    return render(request, "linelists/exports.html", context, who=who)
