"""People to follow up in the web app (``/contacts``): the contacts of the user's
jurisdiction by tier, ward, exposure day, reached or not and isolation order, sorted and
paged, with links to export what it shows. Names, or pseudonyms for pseudonymised roles;
every person shown is recorded in the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases.list_pages import places
from cordon.cases.listing import in_unit
from cordon.core.deps import SessionDep
from cordon.geography.models import AdminUnit
from cordon.outreach.followup import ContactFilter, FollowUpSort, OrderState, people_to_follow_up
from cordon.web.filters import Filters, ListPage, page_of, sort_links
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)
COLUMNS = ("tier", "since", "exposed_on")


class Reached:
    """The reached filter's values."""

    yes = "yes"
    no = "no"


def contact_filter(session: Session, form: Filters) -> ContactFilter:
    """The list's filter from its form (also the export's, from the same query string)."""
    reached = form.params.get("reached", "")
    if reached not in ("", Reached.yes, Reached.no):
        form.errors["reached"] = form.t.gettext("Choose one of the values offered.")
    elif reached:
        form.values["reached"] = reached
    where = ContactFilter(
        tier=form.number("tier", high=10),
        wards=in_unit(session, form.number("unit")),
        exposed_from=form.date("exposed_from"),
        exposed_to=form.date("exposed_to"),
        reached={Reached.yes: True, Reached.no: False}.get(reached),
        order=form.choice("order", OrderState),
    )
    form.dates_in_order("exposed_from", "exposed_to")
    return where


def _ward_names(session: Session, ward_ids: set[int | None]) -> dict[int, str]:
    ids = sorted(w for w in ward_ids if w is not None)
    if not ids:
        return {}
    rows = session.execute(select(AdminUnit.id, AdminUnit.name).where(AdminUnit.id.in_(ids)))
    return {int(i): str(n) for i, n in rows}


@router.get("/contacts")
def follow_up_list(request: Request, session: SessionDep, who: PageUser) -> Response:
    """The people to follow up in the jurisdiction: filters, sortable columns, pages."""
    needs(who, Permission.tracing_read)
    form = Filters(request.query_params, texts_for(request, who))
    where = contact_filter(session, form)
    sort = form.choice("sort", FollowUpSort) or FollowUpSort.tier
    page = ListPage.of(form)
    paged = page_of(form, page, people_to_follow_up, session, where, sort=sort, scope=who.scope)
    rows = paged["rows"]
    people = [r.person_id for r in rows]
    recorder.read(session, "people", None, people, view="follow-up")
    context = {
        **paged,
        "form": form,
        "sorts": sort_links(form, sort, "/contacts", COLUMNS),
        "names": guard.names(session, who, people),
        "wards": _ward_names(session, {r.ward_id for r in rows}),
        "places": places(session, who),
        "orders": list(OrderState),
        "links": who.can(Permission.people_read) and not who.pseudonymised,
    }
    status = 422 if form.errors else 200
    return render(request, "outreach/follow_up.html", context, who=who, status=status)
