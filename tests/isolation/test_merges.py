"""A duplicate merged into the person kept: its isolation order and reach attempts become
the kept person's before the tier engine moves the two records' tiers, so that an order in
force goes on (not ended, nor proposed anew) and the kept person holds one open order at
most."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.core.dates import today
from cordon.isolation.models import IsolationOrder
from cordon.outreach.models import ReachAttempt

from .test_orders import confirm_case, contact, facility, orders, ward

pytestmark = pytest.mark.usefixtures("city_regime")


@pytest.fixture
def world(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, Any]:
    """A camp in Phúc Xá with 3 beds; an F0 of Phúc Xá and the contact ``dup``, in force in
    the camp (confirmed by an officer); ``kept``, another record of the same person."""
    phuc_xa = ward(hanoi, "00001")
    camp = facility(client, "CL-01", phuc_xa, 3)
    f0, dup, kept = (make_person(ward_id=phuc_xa) for _ in range(3))
    day = today() - dt.timedelta(days=3)
    contact(client, f0, dup, day)
    confirm_case(client, f0, day)
    (proposed,) = orders(client, dup)
    confirmed = client.post(
        f"/api/v1/isolation/orders/{proposed['id']}/confirm", json={"version": proposed["version"]}
    )
    assert confirmed.status_code == 200, confirmed.text
    return {"camp": camp, "f0": f0, "dup": dup, "kept": kept, "day": day, "order": proposed}


def merge(client: TestClient, kept: int, dup: int) -> None:
    version = {p: client.get(f"/api/v1/people/{p}").json()["version"] for p in (kept, dup)}
    body = {"merge_id": dup, "keep_version": version[kept], "merge_version": version[dup]}
    response = client.post(f"/api/v1/people/{kept}/merge", json=body)
    assert response.status_code == 200, response.text


def booked(client: TestClient, camp: dict[str, Any]) -> int:
    return int(client.get(f"/api/v1/facilities/{camp['id']}").json()["booked"])


def test_an_order_in_force_goes_on_with_the_kept_person(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    dup, kept = world["dup"], world["kept"]
    tried = client.post(
        f"/api/v1/people/{dup}/reach-attempts", json={"channel": "phone", "outcome": "reached"}
    )
    assert tried.status_code == 201, tried.text
    assert booked(client, world["camp"]) == 1

    merge(client, kept, dup)

    (order,) = orders(client, kept)  # the same order: not ended, no new proposal beside it
    assert (order["id"], order["status"]) == (world["order"]["id"], "confirmed")
    assert (order["place"], order["facility_id"]) == ("facility", world["camp"]["id"])
    assert order["last_exposure_on"] == str(world["day"])
    assert order["ends_on"] == str(world["day"] + dt.timedelta(days=14))
    assert order["closed_on"] is None
    assert booked(client, world["camp"]) == 1  # the bed the person is in, held once
    session.expire_all()
    assert (
        session.scalars(select(IsolationOrder).where(IsolationOrder.person_id == dup)).all() == []
    )
    assert session.scalars(select(ReachAttempt.person_id)).all() == [kept]
    assert client.get(f"/api/v1/tracing/people/{kept}").json()["tier"] == 1


def test_of_two_open_orders_the_one_in_force_stays(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    """Both records were contacts of the F0: the duplicate's order is in force, the kept
    person's a proposal. After the merge the order in force stays, the proposal ends and
    gives its bed back."""
    kept = world["kept"]
    contact(client, world["f0"], kept, world["day"])
    (proposal,) = orders(client, kept)
    assert proposal["status"] == "proposed"
    assert booked(client, world["camp"]) == 2

    merge(client, kept, world["dup"])

    by_id = {o["id"]: o for o in orders(client, kept)}
    assert set(by_id) == {world["order"]["id"], proposal["id"]}
    assert by_id[world["order"]["id"]]["status"] == "confirmed"
    ended = by_id[proposal["id"]]
    assert ended["status"] == "ended"
    assert ended["close_reason"] == "two records of the person were merged"
    assert booked(client, world["camp"]) == 1
