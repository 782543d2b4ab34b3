"""Isolation orders on paper: the order as the person is handed it — who, where, from when to
when, under which regime and legal text, issued by the city's health authority, with room for
the signature and seal. One page of A4 when printed, in the reader's language.

The same rules as every isolation page: ``isolation.read``, the order's person in the
jurisdiction (404 otherwise), pseudonymised roles see a pseudonym and no identifying detail,
and the reading is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cordon.access import guard
from cordon.access.roles import Permission
from cordon.audit import recorder
from cordon.cases.discharge_rules import get_rules
from cordon.core.bounds import Id
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.rulesets import UnknownRule
from cordon.facilities import service as facilities
from cordon.geography import service as geography
from cordon.isolation import service
from cordon.isolation.models import IsolationOrder
from cordon.isolation.regimes import get_regimes
from cordon.people import service as people
from cordon.people.routes import person_out
from cordon.web.templating import render
from cordon.web.viewer import PageUser, needs

router = APIRouter(include_in_schema=False)


class Basis(Protocol):
    """What the paper says of the rule an order was made under."""

    @property
    def title(self) -> str: ...

    @property
    def legal_basis(self) -> str: ...


def regime_of(order: IsolationOrder) -> Basis | None:
    """The rule the order was made under: an isolation regime, or for an F0's home monitoring
    the discharge rule (None when the city's files no longer hold it)."""
    try:
        return get_regimes().by_code(order.regime_id)
    except UnknownRule:
        pass
    try:
        return get_rules().by_code(order.regime_id)
    except UnknownRule:
        return None


def where(session: Session, ward_id: Id | None) -> str:
    """A ward and its district as an address line ("phường Phúc Xá, quận Ba Đình")."""
    if ward_id is None:
        return ""
    ward = geography.get_unit(session, ward_id)
    parts = [f"{ward.kind} {ward.name}"]
    if ward.parent_id is not None:
        district = geography.get_unit(session, ward.parent_id)
        parts.append(f"{district.kind} {district.name}")
    return ", ".join(parts)


def issued_on(order: IsolationOrder) -> dt.date:
    """The city's day the order was decided (today for an order not decided yet)."""
    if order.decided_at is None:
        return today()
    moment = order.decided_at
    if moment.tzinfo is None:  # SQLite hands it back without its zone: stored in UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()


@router.get("/isolation/orders/{order_id}/print")
def print_order(request: Request, session: SessionDep, who: PageUser, order_id: Id) -> Response:
    """The isolation order, ready to print."""
    needs(who, Permission.isolation_read)
    order = service.get(session, order_id)
    guard.person(session, who, order.person_id)
    person = person_out(who, people.get_person(session, order.person_id))
    recorder.read(session, "isolation_orders", order.id, [order.person_id], view="print")
    facility = facilities.get(session, order.facility_id) if order.facility_id else None
    city = geography.unit_by_code(session, get_settings().city_code)
    context = {
        "order": order,
        "person": person,
        "home": where(session, person.ward_id),
        "facility": facility,
        "facility_ward": where(session, facility.ward_id) if facility else "",
        "regime": regime_of(order),
        "city": city.name if city else "",
        "issued_on": issued_on(order),
    }
    return render(request, "isolation/order_print.html", context, who=who)
