"""Personal self-report links: signed, expiring, no account.

A link names its order and the day after which it stops working (the last day of the order
and its home monitoring, plus one), signed with the installation's key. Nothing personal is
in it. A forged, altered or expired link, or one whose order is no longer in force, opens
nothing — and says only that the link does not work.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.dates import day_number, today
from cordon.core.security import keyed_digest, same
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder

PURPOSE = "self-report link"
GRACE = dt.timedelta(days=1)


def _signature(body: str) -> str:
    return keyed_digest(PURPOSE, body)[:32]


def token_of(order: IsolationOrder) -> str:
    last = (order.monitor_until or order.ends_on) + GRACE
    body = f"{order.id}.{day_number(last)}"
    return f"{body}.{_signature(body)}"


def url_of(order: IsolationOrder) -> str:
    return f"{get_settings().public_url.rstrip('/')}/r/{token_of(order)}"


def order_of(session: Session, token: str) -> IsolationOrder | None:
    """The order in force a link opens, or None (forged, altered, expired, ended)."""
    parts = token.split(".")
    if len(parts) != 3 or not all(p.isalnum() for p in parts):
        return None
    order_id, until, signature = parts
    if not (order_id.isdigit() and until.isdigit()):
        return None
    if not same(_signature(f"{order_id}.{until}"), signature):
        return None
    if day_number(today()) > int(until):
        return None
    order = session.get(IsolationOrder, int(order_id))
    if order is None or order.status is not OrderStatus.confirmed:
        return None
    return order
