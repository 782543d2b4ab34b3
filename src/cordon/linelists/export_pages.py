"""Exports from the web app: the export page's form and the lists' *export what is shown*
links. The API's downloads (the same records, jurisdiction, audit and pseudonyms), read from
a browser's form: a field left empty filters nothing, and a value that cannot be read is an
error page in the user's language, never problem+json."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.cases.enums import CaseStatus
from cordon.cases.list_pages import case_filter
from cordon.core.deps import SessionDep
from cordon.core.errors import FieldProblem, InvalidInput
from cordon.linelists import export
from cordon.linelists.columns import Shape
from cordon.linelists.routes import Format, send
from cordon.outreach.followup_pages import contact_filter
from cordon.web.filters import Filters
from cordon.web.templating import texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
FileFormat = Annotated[Format, Path()]


def _refuse(form: Filters) -> None:
    if form.errors:
        problems = [FieldProblem(field, message) for field, message in form.errors.items()]
        raise InvalidInput("The export's filters could not be read.", problems)


def _statuses(form: Filters) -> tuple[CaseStatus, ...]:
    """The export page's status boxes (any number of them)."""
    chosen = []
    for value in form.params.getlist("status"):
        if value not in CaseStatus.__members__:
            form.errors["status"] = form.t.gettext("Choose one of the values offered.")
        else:
            chosen.append(CaseStatus(value))
    return tuple(chosen)


def _send(
    session: Session, who: Principal, shape: Shape, fmt: Format, f: export.ExportFilter
) -> StreamingResponse:
    return send(session, who, shape, fmt, f, f.pseudonymised)


def _form(request: Request, who: Principal) -> Filters:
    needs(who, Permission.export)
    return Filters(request.query_params, texts_for(request, who))


def _dates(form: Filters) -> export.ExportFilter:
    f = export.ExportFilter(
        date_from=form.date("date_from"),
        date_to=form.date("date_to"),
        pseudonymised=form.params.get("pseudonymised", "") in ("true", "on", "1"),
    )
    form.dates_in_order("date_from", "date_to")
    return f


@router.get("/exports/cases.{fmt}")
def export_cases(
    request: Request, session: SessionDep, who: PageUser, fmt: FileFormat
) -> StreamingResponse:
    """Cases in the import template's columns: the export page's statuses and dates, and the
    case list's filters (the same query string as the list)."""
    form = _form(request, who)
    statuses = _statuses(form)
    listed = replace(case_filter(session, form), status=None)
    f = replace(_dates(form), statuses=statuses, cases=listed)
    _refuse(form)
    return _send(session, who, Shape.cases, fmt, f)


@router.get("/exports/exposures.{fmt}")
def export_exposures(
    request: Request, session: SessionDep, who: PageUser, fmt: FileFormat
) -> StreamingResponse:
    """Exposures between people of the jurisdiction, overlapping the dates if given."""
    form = _form(request, who)
    f = _dates(form)
    _refuse(form)
    return _send(session, who, Shape.exposures, fmt, f)


@router.get("/exports/contacts.{fmt}")
def export_contacts(
    request: Request, session: SessionDep, who: PageUser, fmt: FileFormat
) -> StreamingResponse:
    """The exposures in which the people to follow up (the list's filters) are the contact,
    in the exposures template's columns."""
    form = _form(request, who)
    f = replace(_dates(form), contacts=contact_filter(session, form))
    _refuse(form)
    return _send(session, who, Shape.exposures, fmt, f)
