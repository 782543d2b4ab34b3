"""Exports from the web app: the export page's form and the lists' *export what is shown*
links. The API's downloads (the same records, jurisdiction, audit and pseudonyms), read from
a browser's form: a field left empty filters nothing, and a value that cannot be read is an
error page in the user's language, never problem+json."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from cordon.access.roles import Permission
from cordon.cases.enums import CaseStatus
from cordon.cases.list_pages import case_filter
from cordon.core.deps import SessionDep
from cordon.core.errors import FieldProblem, InvalidInput, NotFound
from cordon.linelists import export
from cordon.linelists.columns import Shape
from cordon.linelists.routes import Format, send
from cordon.outreach.followup_pages import contact_filter
from cordon.web.filters import Filters
from cordon.web.templating import texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
FileFormat = Annotated[Format, Path()]


def _statuses(form: Filters) -> tuple[CaseStatus, ...]:
    """The export page's status boxes (any number of them)."""
    chosen = []
    for value in form.params.getlist("status"):
        if value not in CaseStatus.__members__:
            form.errors["status"] = form.t.gettext("Choose one of the values offered.")
        else:
            chosen.append(CaseStatus(value))
    return tuple(chosen)


def _cases(session: Session, form: Filters, f: export.ExportFilter) -> export.ExportFilter:
    """The export page's statuses and dates, and the case list's filters (the same query
    string as the list)."""
    statuses = _statuses(form)
    return replace(f, statuses=statuses, cases=replace(case_filter(session, form), status=None))


def _contacts(session: Session, form: Filters, f: export.ExportFilter) -> export.ExportFilter:
    """The exposures in which the people to follow up (the list's filters) are the contact."""
    return replace(f, contacts=contact_filter(session, form))


Narrowing = Callable[[Session, Filters, export.ExportFilter], export.ExportFilter]
# The lists the web app exports: each list's template and how the page's filters narrow it.
EXPORTED: dict[str, tuple[Shape, Narrowing]] = {
    "cases": (Shape.cases, _cases),
    # exposures between people of the jurisdiction, overlapping the dates
    "exposures": (Shape.exposures, lambda _session, _form, f: f),
    # the follow-up list's people as the contact, in the exposures template's columns
    "contacts": (Shape.exposures, _contacts),
}


@router.get("/exports/{listed}.{fmt}")
def export_listed(
    request: Request, session: SessionDep, who: PageUser, listed: str, fmt: FileFormat
) -> StreamingResponse:
    """A list as the page shows it, in the import template's columns: the export page's
    dates (and statuses), narrowed by the list's own filters."""
    needs(who, Permission.export)
    if listed not in EXPORTED:
        raise NotFound("No such export.")
    form = Filters(request.query_params, texts_for(request, who))
    f = export.ExportFilter(
        date_from=form.date("date_from"),
        date_to=form.date("date_to"),
        pseudonymised=form.params.get("pseudonymised", "") in ("true", "on", "1"),
    )
    form.dates_in_order("date_from", "date_to")
    shape, narrow = EXPORTED[listed]
    f = narrow(session, form, f)
    if form.errors:
        problems = [FieldProblem(field, message) for field, message in form.errors.items()]
        raise InvalidInput("The export's filters could not be read.", problems)
    return send(session, who, shape, fmt, f, f.pseudonymised)
