"""Import and export of line lists over HTTP: uploads in, CSV/XLSX out.

Filters travel in the query string; personal data never goes into a URL.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from enum import StrEnum
from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.access.deps import need
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases.enums import CaseStatus
from cordon.core.dates import today
from cordon.core.db import new_session
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden, InvalidInput
from cordon.core.problems import PROBLEM
from cordon.linelists import export, service
from cordon.linelists.columns import Shape
from cordon.linelists.reports import Report
from cordon.linelists.schemas import ImportOut, RowNote

MAX_PROBLEMS = 1000
MAX_MAPPING = 1024 * 1024  # a mapping file is a few kilobytes
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Format(StrEnum):
    """What an export is written as."""

    csv = "csv"
    xlsx = "xlsx"


imports = APIRouter(prefix="/imports")
exports = APIRouter(prefix="/exports")
router = APIRouter(tags=["import and export"])

Upload = Annotated[UploadFile, File(description="The line list: CSV (UTF-8) or XLSX.")]
MappingUpload = Annotated[
    UploadFile | None, File(description="Optional TOML column mapping (docs/import.md).")
]
DryRun = Annotated[bool, Query(description="Check everything, write nothing.")]
SkipInvalid = Annotated[
    bool,
    Query(description="Import the valid rows; the answer lists the rows left out and why."),
]
ListShape = Annotated[
    Shape, Path(description="Which list: cases, or exposures (the contacts of index people).")
]
FileFormat = Annotated[Format, Path(description="CSV (UTF-8), or an XLSX workbook.")]
Statuses = Annotated[
    list[CaseStatus] | None, Query(description="Only cases in these statuses (cases only).")
]
From = Annotated[dt.date | None, Query(description="Confirmed (cases) / exposed on or after.")]
To = Annotated[dt.date | None, Query(description="Confirmed (cases) / exposed on or before.")]
Pseudonymised = Annotated[
    bool, Query(description="Pseudonyms instead of names; no phones, IDs or addresses.")
]
Importer = Annotated[Principal, need(Permission.import_)]
Exporter = Annotated[Principal, need(Permission.export)]


def _whole_city(who: Principal) -> None:
    """A line list may hold anyone of the city: importing it is a city-level task."""
    if not who.scope.whole_city:
        raise Forbidden("Line lists are imported by city-level users (the whole city's people).")


def audited(
    session: Session, who: Principal, shape: Shape, f: export.ExportFilter, pseudo: bool
) -> export.ExportFilter:
    """The export's filter narrowed to the user's jurisdiction, pseudonymised for analysts;
    the people it holds are recorded in the audit log."""
    f = replace(f, scope=who.scope, pseudonymised=pseudo or who.pseudonymised)
    people = export.people_in(session, shape, f)
    recorder.note(session, "export", shape.value, None, people, pseudonymised=f.pseudonymised)
    session.commit()
    return f


def too_many_problems(exc: InvalidInput) -> JSONResponse:
    """422 problem+json with the first ``MAX_PROBLEMS`` problems and how many there are."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": 422,
        "title": exc.title,
        "detail": exc.detail,
        "total_errors": exc.problem_count,
        "errors": [p.as_dict() for p in exc.problems[:MAX_PROBLEMS]],
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


def _import(
    session: Session,
    shape: Shape,
    file: UploadFile,
    mapping: UploadFile | None,
    dry_run: bool,
    skip_invalid: bool,
    response: Response,
) -> ImportOut | JSONResponse:
    rules = mapping.file.read(MAX_MAPPING) if mapping is not None else None
    report = Report()
    try:
        result = service.import_file(
            session,
            shape,
            file.file,
            name=file.filename or "upload",
            mapping=rules,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            report=report,
        )
    except InvalidInput as exc:
        return too_many_problems(exc)
    response.status_code = 200 if dry_run else 201
    out = ImportOut.model_validate(result, from_attributes=True)
    out.warnings = [RowNote(**w.as_dict()) for w in result.warnings[:MAX_PROBLEMS]]
    out.rejected = [
        RowNote(row=int(row) if row else None, field=column, message=message)
        for row, column, _value, message in report.errors[:MAX_PROBLEMS]
    ]
    return out


@imports.post("/{shape}", status_code=201, response_model=ImportOut)
def import_list(
    session: SessionDep,
    who: Importer,
    response: Response,
    shape: ListShape,
    file: Upload,
    mapping: MappingUpload = None,
    dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
) -> ImportOut | JSONResponse:
    """Import a line list of cases, or of exposures (contacts of index people): every row
    valid, or nothing written (422 lists the problems); with ``skip_invalid``, the valid rows.
    Larger than ``CORDON_MAX_UPLOAD_MB``: 413."""
    _whole_city(who)
    return _import(session, shape, file, mapping, dry_run, skip_invalid, response)


def _filename(shape: Shape, suffix: str) -> dict[str, str]:
    name = f"{shape.value}-{today().isoformat()}.{suffix}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


class CsvFile(StreamingResponse):
    """An export as CSV (how the OpenAPI names the answer's media type; the route adds
    XLSX's)."""

    media_type = "text/csv"


def csv_response(session: Session, shape: Shape, f: export.ExportFilter) -> StreamingResponse:
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


def xlsx_response(session: Session, shape: Shape, f: export.ExportFilter) -> StreamingResponse:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115
    export.write_xlsx(shape, export.records(session, shape, f), spool)
    spool.seek(0)

    def stream() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(2**16):
                yield chunk

    return StreamingResponse(stream(), media_type=XLSX, headers=_filename(shape, "xlsx"))


def send(
    session: Session,
    who: Principal,
    shape: Shape,
    fmt: Format,
    f: export.ExportFilter,
    pseudonymised: bool,
) -> StreamingResponse:
    """``shape`` as a file of ``fmt``: the filter narrowed to ``who`` and audited."""
    f = audited(session, who, shape, f, pseudonymised)
    return (csv_response if fmt is Format.csv else xlsx_response)(session, shape, f)


@exports.get(
    "/{shape}.{fmt}",
    response_class=CsvFile,
    responses={200: {"content": {XLSX: {"schema": {"type": "string"}}}}},
)
def export_line_list(
    session: SessionDep,
    who: Exporter,
    shape: ListShape,
    fmt: FileFormat,
    status: Statuses = None,
    date_from: From = None,
    date_to: To = None,
    pseudonymised: Pseudonymised = False,
) -> StreamingResponse:
    """A line list of the jurisdiction in its import template's columns, as CSV (UTF-8) or
    an XLSX workbook: its cases, or the exposures between its people."""
    f = export.ExportFilter(tuple(status or ()) if shape is Shape.cases else (), date_from, date_to)
    return send(session, who, shape, fmt, f, pseudonymised)


router.include_router(imports)
router.include_router(exports)
