"""Import and export of line lists over HTTP: uploads in, CSV/XLSX out.

Filters travel in the query string; personal data never goes into a URL.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus
from cordon.core.db import new_session
from cordon.core.deps import SessionDep
from cordon.core.errors import InvalidInput
from cordon.core.problems import PROBLEM
from cordon.transfer import export, service
from cordon.transfer.columns import Shape
from cordon.transfer.schemas import ImportOut

MAX_PROBLEMS = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

imports = APIRouter(prefix="/imports")
exports = APIRouter(prefix="/exports")
router = APIRouter(tags=["import and export"])

Upload = Annotated[UploadFile, File(description="The line list: CSV (UTF-8) or XLSX.")]
MappingUpload = Annotated[
    UploadFile | None, File(description="Optional TOML column mapping (docs/import.md).")
]
DryRun = Annotated[bool, Query(description="Check everything, write nothing.")]
Statuses = Annotated[list[CaseStatus] | None, Query(description="Only cases in these statuses.")]
From = Annotated[dt.date | None, Query(description="Confirmed (cases) / exposed on or after.")]
To = Annotated[dt.date | None, Query(description="Confirmed (cases) / exposed on or before.")]


def too_many_problems(exc: InvalidInput) -> JSONResponse:
    """422 problem+json with the first ``MAX_PROBLEMS`` problems and how many there are."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": 422,
        "title": exc.title,
        "detail": exc.detail,
        "total_errors": len(exc.problems),
        "errors": [p.as_dict() for p in exc.problems[:MAX_PROBLEMS]],
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


def _import(
    session: Session,
    shape: Shape,
    file: UploadFile,
    mapping: UploadFile | None,
    dry_run: bool,
    response: Response,
) -> ImportOut | JSONResponse:
    rules = mapping.file.read() if mapping is not None else None
    try:
        result = service.import_file(
            session,
            shape,
            file.file,
            name=file.filename or "upload",
            mapping=rules,
            dry_run=dry_run,
        )
    except InvalidInput as exc:
        return too_many_problems(exc)
    response.status_code = 200 if dry_run else 201
    return ImportOut.model_validate(result, from_attributes=True)


@imports.post("/cases", status_code=201, response_model=ImportOut)
def import_cases(
    session: SessionDep,
    response: Response,
    file: Upload,
    mapping: MappingUpload = None,
    dry_run: DryRun = False,
) -> ImportOut | JSONResponse:
    """Import a cases line list: every row valid, or nothing written (422 lists the problems)."""
    return _import(session, Shape.cases, file, mapping, dry_run, response)


@imports.post("/exposures", status_code=201, response_model=ImportOut)
def import_exposures(
    session: SessionDep,
    response: Response,
    file: Upload,
    mapping: MappingUpload = None,
    dry_run: DryRun = False,
) -> ImportOut | JSONResponse:
    """Import an exposures list (contacts of index people), completely or not at all."""
    return _import(session, Shape.exposures, file, mapping, dry_run, response)


def _filename(shape: Shape, suffix: str) -> dict[str, str]:
    name = f"{shape.value}-{dt.date.today().isoformat()}.{suffix}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _csv(session: Session, shape: Shape, f: export.ExportFilter) -> StreamingResponse:
    bind = session.get_bind()
    assert isinstance(bind, Engine)

    def stream() -> Iterator[bytes]:
        reader = new_session(bind)  # the request's session closes before streaming ends
        try:
            yield from export.csv_chunks(shape, export.records(reader, shape, f))
        finally:
            reader.close()

    return StreamingResponse(
        stream(), media_type="text/csv; charset=utf-8", headers=_filename(shape, "csv")
    )


def _xlsx(session: Session, shape: Shape, f: export.ExportFilter) -> StreamingResponse:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115
    export.write_xlsx(shape, export.records(session, shape, f), spool)
    spool.seek(0)

    def stream() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(2**16):
                yield chunk

    return StreamingResponse(stream(), media_type=XLSX, headers=_filename(shape, "xlsx"))


@exports.get("/cases.csv")
def export_cases_csv(
    session: SessionDep, status: Statuses = None, date_from: From = None, date_to: To = None
) -> StreamingResponse:
    """Cases in the import template's columns, as CSV (UTF-8)."""
    return _csv(session, Shape.cases, export.ExportFilter(tuple(status or ()), date_from, date_to))


@exports.get("/cases.xlsx")
def export_cases_xlsx(
    session: SessionDep, status: Statuses = None, date_from: From = None, date_to: To = None
) -> StreamingResponse:
    """Cases in the import template's columns, as an XLSX workbook."""
    return _xlsx(session, Shape.cases, export.ExportFilter(tuple(status or ()), date_from, date_to))


@exports.get("/exposures.csv")
def export_exposures_csv(
    session: SessionDep, date_from: From = None, date_to: To = None
) -> StreamingResponse:
    """Exposures in the import template's columns, as CSV (UTF-8)."""
    return _csv(session, Shape.exposures, export.ExportFilter((), date_from, date_to))


@exports.get("/exposures.xlsx")
def export_exposures_xlsx(
    session: SessionDep, date_from: From = None, date_to: To = None
) -> StreamingResponse:
    """Exposures in the import template's columns, as an XLSX workbook."""
    return _xlsx(session, Shape.exposures, export.ExportFilter((), date_from, date_to))


router.include_router(imports)
router.include_router(exports)
