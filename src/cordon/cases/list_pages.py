"""The case list of the web app (``/cases``): the cases of the user's jurisdiction, filtered,
sorted and paged by the same service function as ``GET /api/v1/cases``, with links to
export what it shows. People appear by name, or by pseudonym for pseudonymised roles; every
person shown is recorded in the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cordon.access import guard
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases import listing
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, Classification
from cordon.cases.listing import CaseFilter, CaseSort
from cordon.clusters import service as clusters
from cordon.core.deps import SessionDep
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.web.filters import Filters, ListPage, page_of, sort_links
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
CLUSTERS_OFFERED = 500
COLUMNS = ("code", "status", "onset_on", "confirmed_on")  # the columns that sort


def case_filter(session: Session, form: Filters) -> CaseFilter:
    """The list's filter from its form (also the export's, from the same query string)."""
    where = CaseFilter(
        status=form.choice("status", CaseStatus),
        classification=form.choice("classification", Classification),
        confirmed_from=form.date("confirmed_from"),
        confirmed_to=form.date("confirmed_to"),
        onset_from=form.date("onset_from"),
        onset_to=form.date("onset_to"),
        cluster_id=form.number("cluster"),
        wards=listing.in_unit(session, form.number("unit")),
        tier=form.number("tier", low=0, high=10),
    )
    form.dates_in_order("confirmed_from", "confirmed_to")
    form.dates_in_order("onset_from", "onset_to")
    return where


def places(session: Session, who: Principal) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """The districts of the jurisdiction, each with its wards: the place filter's choices
    (ids and names alone: a city's 579 wards are read in a few milliseconds)."""
    if who.scope.people is not None:
        return []
    district = aliased(AdminUnit)
    query = (
        select(district.id, district.name, AdminUnit.id, AdminUnit.name)
        .join(district, district.id == AdminUnit.parent_id)
        .where(AdminUnit.level == UnitLevel.ward)
        .order_by(district.code, AdminUnit.code)
    )
    if who.scope.wards is not None:
        query = query.where(AdminUnit.id.in_(sorted(who.scope.wards)))
    districts: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for district_id, district_name, ward_id, ward_name in session.execute(query):
        districts.setdefault(district_id, (district_name, []))[1].append((ward_id, ward_name))
    return [(key, name, wards) for key, (name, wards) in districts.items()]


@router.get("/cases")
def case_list(request: Request, session: SessionDep, who: PageUser) -> Response:
    """The cases of the jurisdiction: filters, sortable columns, pages, export links."""
    needs(who, Permission.cases_read)
    form = Filters(request.query_params, texts_for(request, who))
    where = case_filter(session, form)
    sort = form.choice("sort", CaseSort) or CaseSort.newest
    page = ListPage.of(form)
    paged = page_of(form, page, listing.list_cases, session, where, sort=sort, scope=who.scope)
    rows = paged["rows"]
    people = [c.person_id for c in rows]
    recorder.read(session, "cases", None, people, view="list")
    context = {
        **paged,
        "form": form,
        "sorts": sort_links(form, sort, "/cases", COLUMNS),
        "names": guard.names(session, who, people),
        "tiers": listing.tiers_of(session, people),
        "clusters": cases.cluster_codes(session, [c.id for c in rows]),
        "cluster_choices": clusters.list_clusters(session, limit=CLUSTERS_OFFERED)[0],
        "places": places(session, who),
        "statuses": list(CaseStatus),
        "classifications": list(Classification),
        "links": not who.pseudonymised,
    }
    return render(request, "cases/list.html", context, who=who, status=422 if form.errors else 200)
