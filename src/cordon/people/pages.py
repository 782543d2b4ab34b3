"""People in the web app: search (the query travels in the body, never in the URL) and the
person page. The same services and jurisdiction checks as the API; every person shown is
recorded in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import service as cases
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.exposures import service as exposures
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.isolation import service as isolation
from cordon.monitoring import history
from cordon.outreach import service as outreach
from cordon.outreach.enums import Channel, Outcome
from cordon.people import service
from cordon.people.routes import person_out
from cordon.people.schemas import PersonSearch
from cordon.tracing import service as tracing
from cordon.web.labels import words
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

NO_REACH_TYPED: Mapping[str, object] = {"errors": {}}
READINGS_SHOWN = 60  # a month at two readings a day; the export holds every one
router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]


@router.get("/people")
def search_page(request: Request, who: PageUser) -> Response:
    needs(who, Permission.people_read)
    return render(request, "people/search.html", {"form": {}, "errors": {}}, who=who)


@router.post("/people")
def search(
    request: Request,
    session: SessionDep,
    who: PageUser,
    q: Field = "",
    phone: Field = "",
    national_id: Field = "",
) -> Response:
    """Results of a search; an htmx request gets the result list alone."""
    needs(who, Permission.people_read)
    t = texts_for(request, who)
    form = {"q": q, "phone": phone, "national_id": national_id}
    context: dict[str, object] = {"form": form, "errors": {}, "searched": True}
    try:
        criteria = PersonSearch(
            q=q or None, phone=phone or None, national_id=national_id or None, limit=50
        )
    except ValidationError:
        context["errors"] = {"q": t.gettext("Type a name, a phone number or an ID number.")}
        context["people"], context["total"] = [], 0
    else:
        if who.pseudonymised:
            context["errors"] = {"q": t.gettext("Your role works on pseudonymised data only.")}
            context["people"], context["total"] = [], 0
        else:
            found = service.search_people(session, **criteria.model_dump(), scope=who.scope)
            recorder.read(session, "people", None, [p.id for p in found.rows], view="search")
            context["people"] = found.rows
            context["total"] = found.total
            context["exact"] = found.total_exact
    template = "people/_results.html" if request.headers.get("hx-request") else "people/search.html"
    return render(request, template, context, who=who)


@router.get("/people/{person_id}")
def person_page(request: Request, session: SessionDep, who: PageUser, person_id: Id) -> Response:
    """Details, tier and why, cases, exposures, attempts to reach them and the history of
    the tier."""
    return render_person(request, session, who, person_id)


def _readings(session: Session, who: Principal, person_id: int) -> list[history.Reading]:
    """The follow-up history shown on the page: the latest readings of their isolation."""
    if not who.can(Permission.isolation_read):
        return []
    found = history.readings_of(session, person_id, limit=READINGS_SHOWN)
    return history.shown_to(found, pseudonymised=who.pseudonymised)


def render_person(
    request: Request,
    session: SessionDep,
    who: PageUser,
    person_id: Id,
    *,
    reach: Mapping[str, object] | None = None,
    status: int = 200,
) -> Response:
    """The person page; ``reach``: the attempt form as typed and its errors, when rejected."""
    needs(who, Permission.people_read)
    t = texts_for(request, who)
    guard.person(session, who, person_id)
    person = service.get_person(session, person_id)
    shown = person_out(who, person)
    contacts: list[Exposure] = []
    if who.can(Permission.exposures_read):
        contacts, _ = exposures.list_exposures(session, person_id=person_id, limit=200)
    tier = tracing.tier_of(session, person_id) if who.can(Permission.tracing_read) else None
    others = {e.contact_id if e.person_id == person_id else e.person_id for e in contacts}
    others |= {step.person_id for step in tier.path} if tier else set()
    seen = guard.visible(session, who, others)
    recorder.read(session, "people", person_id, [person_id, *seen], view="page")
    tracing_ok = tier is not None
    its_cases = cases.cases_of(session, person_id) if who.can(Permission.cases_read) else []
    context = {
        "person": shown,
        "ward": session.get(AdminUnit, shown.ward_id) if shown.ward_id else None,
        "district": session.get(AdminUnit, shown.district_id) if shown.district_id else None,
        "tier": tier,
        "history": tracing.tier_history(session, person_id)[-20:][::-1] if tracing_ok else [],
        "cases": its_cases,
        "contacts": contacts,
        "names": guard.names(session, who, seen),
        "tiers": tracing.lowest_tiers(session, seen) if tracing_ok else {},
        "under_way": any(cases.under_way(c) for c in its_cases),
        "attempts": outreach.attempts_of(session, person_id, limit=20) if tracing_ok else [],
        "orders": isolation.orders_of(session, person_id)
        if who.can(Permission.isolation_read)
        else [],
        "readings": _readings(session, who, person_id),
        "reach": reach or NO_REACH_TYPED,
        "channels": [(c.value, t.gettext(words(c))) for c in Channel],
        "outcomes": [(o.value, t.gettext(words(o))) for o in Outcome],
    }
    return render(request, "people/person.html", context, who=who, status=status)
