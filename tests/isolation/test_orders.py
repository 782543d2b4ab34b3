"""Isolation orders through the API: a new F0 → proposed facility orders for its F1s (the
nearest facility with a free bed) and home orders for its F2s; an officer confirms, moves
or declines them; a new exposure extends an order; an F2 who becomes F1 gets a new place;
a confirmed case ends the order; beds are never overbooked; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakePerson, SignIn
from cordon.core.dates import today
from cordon.facilities.models import Facility
from cordon.geography.models import AdminUnit
from cordon.isolation.models import IsolationOrder, LabTask

pytestmark = pytest.mark.usefixtures("city_regime")


def ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def contact(client: TestClient, a: int, b: int, day: dt.date) -> int:
    body = {"person_id": a, "contact_id": b, "first_on": str(day), "last_on": str(day)}
    response = client.post("/api/v1/exposures", json={**body, "setting": "household"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def confirm_case(client: TestClient, person: int, day: dt.date) -> None:
    body = {"person_id": person, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=body).status_code == 201


def facility(client: TestClient, code: str, ward_id: int, beds: int) -> dict[str, Any]:
    body = {"code": code, "name": f"Khu cách ly {code}", "kind": "military_camp"}
    response = client.post(
        "/api/v1/facilities", json={**body, "ward_id": ward_id, "capacity": beds}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def orders(client: TestClient, person: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/people/{person}/isolation-orders")
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.fixture
def outbreak(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, Any]:
    """A camp in Phúc Xá with 2 beds, a hotel across the city with 10; an F0 of Phúc Xá,
    two household F1s and an F2 met after."""
    phuc_xa = ward(hanoi, "00001")
    camp = facility(client, "CL-01", phuc_xa, 2)
    hotel = facility(client, "KS-09", ward(hanoi, "00037"), 10)
    f0, a, b, c = (make_person(ward_id=phuc_xa) for _ in range(4))
    d = today() - dt.timedelta(days=3)
    contact(client, f0, a, d)
    contact(client, f0, b, d)
    contact(client, a, c, d + dt.timedelta(days=1))
    confirm_case(client, f0, d)
    return {"camp": camp, "hotel": hotel, "f0": f0, "a": a, "b": b, "c": c, "day": d}


def test_a_new_f0_proposes_orders_by_the_regime(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    d = outbreak["day"]
    (a,) = orders(client, outbreak["a"])
    assert a["status"] == "proposed"
    assert a["place"] == "facility"
    assert a["facility_id"] == outbreak["camp"]["id"]  # nearest with a free bed
    assert a["regime_id"] == "city-2026"
    assert a["last_exposure_on"] == str(d)
    assert a["starts_on"] == str(max(d + dt.timedelta(days=1), today()))
    assert a["ends_on"] == str(d + dt.timedelta(days=14))
    assert a["monitor_until"] == str(d + dt.timedelta(days=28))
    (c,) = orders(client, outbreak["c"])
    assert (c["place"], c["facility_id"], c["tier"]) == ("home", None, 2)
    assert orders(client, outbreak["f0"]) == []
    camp = client.get(f"/api/v1/facilities/{outbreak['camp']['id']}").json()
    assert (camp["booked"], camp["free"], camp["status"]) == (2, 0, "full")
    tasks = client.get(f"/api/v1/isolation/orders/{a['id']}/tasks").json()
    assert [t["due_on"] for t in tasks] == [str(d + dt.timedelta(days=7))]  # day 1 is past


def test_a_third_f1_goes_to_the_next_facility_with_beds(
    client: TestClient, outbreak: dict[str, Any], make_person: MakePerson, hanoi: Session
) -> None:
    third = make_person(ward_id=ward(hanoi, "00001"))
    contact(client, outbreak["f0"], third, outbreak["day"])
    (order,) = orders(client, third)
    assert order["facility_id"] == outbreak["hotel"]["id"]  # the camp is full


def test_confirm_move_and_decline(client: TestClient, outbreak: dict[str, Any]) -> None:
    (a,) = orders(client, outbreak["a"])
    moved = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm",
        json={"version": a["version"], "facility_id": outbreak["hotel"]["id"]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "confirmed"
    camp = client.get(f"/api/v1/facilities/{outbreak['camp']['id']}").json()
    hotel = client.get(f"/api/v1/facilities/{outbreak['hotel']['id']}").json()
    assert (camp["booked"], camp["status"], hotel["booked"]) == (1, "open", 1)

    stale = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]}
    )
    assert stale.status_code == 409
    (b,) = orders(client, outbreak["b"])
    unexplained = client.post(
        f"/api/v1/isolation/orders/{b['id']}/decline", json={"version": b["version"], "reason": " "}
    )
    assert unexplained.status_code == 422
    declined = client.post(
        f"/api/v1/isolation/orders/{b['id']}/decline",
        json={"version": b["version"], "reason": "already isolated in another province"},
    )
    assert declined.status_code == 200
    assert client.get(f"/api/v1/facilities/{outbreak['camp']['id']}").json()["booked"] == 0


def test_a_new_exposure_extends_the_order(client: TestClient, outbreak: dict[str, Any]) -> None:
    later = outbreak["day"] + dt.timedelta(days=2)
    contact(client, outbreak["f0"], outbreak["a"], later)
    (a,) = orders(client, outbreak["a"])
    assert a["last_exposure_on"] == str(later)
    assert a["ends_on"] == str(later + dt.timedelta(days=14))
    tasks = client.get(f"/api/v1/isolation/orders/{a['id']}/tasks").json()
    due = sorted(t["due_on"] for t in tasks if t["status"] == "scheduled")
    assert due == [str(later + dt.timedelta(days=1)), str(later + dt.timedelta(days=7))]


def test_an_f2_who_becomes_f1_is_proposed_a_facility(
    client: TestClient, outbreak: dict[str, Any]
) -> None:
    (home,) = orders(client, outbreak["c"])
    confirmed = client.post(
        f"/api/v1/isolation/orders/{home['id']}/confirm", json={"version": home["version"]}
    )
    assert confirmed.status_code == 200
    contact(client, outbreak["f0"], outbreak["c"], outbreak["day"])  # met the F0 too
    newer, older = orders(client, outbreak["c"])
    assert (newer["status"], newer["place"], newer["replaces_id"]) == (
        "proposed",
        "facility",
        home["id"],
    )
    assert older["status"] == "confirmed"  # in force until the new one is confirmed
    ok = client.post(
        f"/api/v1/isolation/orders/{newer['id']}/confirm",
        json={"version": newer["version"], "facility_id": outbreak["hotel"]["id"]},
    )
    assert ok.status_code == 200, ok.text
    assert orders(client, outbreak["c"])[1]["status"] == "replaced"


def test_a_confirmed_case_ends_the_order(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    confirm_case(client, outbreak["a"], today())
    (a,) = orders(client, outbreak["a"])
    assert (a["status"], a["close_reason"]) == ("ended", "confirmed case")
    # the bed it gave back goes to C, once F2 through A, now F1: a facility instead of home
    newer, older = orders(client, outbreak["c"])
    assert (newer["place"], newer["facility_id"]) == ("facility", outbreak["camp"]["id"])
    assert (older["status"], older["close_reason"]) == ("replaced", "the tier moved: a new place")
    session.expire_all()
    camp = session.get(Facility, outbreak["camp"]["id"])
    assert camp is not None
    assert camp.booked == 2
    cancelled = session.scalar(
        select(func.count()).select_from(LabTask).where(LabTask.status == "cancelled")
    )
    assert cancelled == 1


def test_bad_input_changes_nothing(
    client: TestClient, outbreak: dict[str, Any], session: Session, hanoi: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(IsolationOrder))
    (a,) = orders(client, outbreak["a"])
    full = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm",
        json={"version": a["version"], "facility_id": outbreak["camp"]["id"]},
    )
    assert full.status_code == 200  # its own bed: no move
    (b,) = orders(client, outbreak["b"])
    closed = client.patch(
        f"/api/v1/facilities/{outbreak['hotel']['id']}", json={"status": "closed"}
    )
    assert closed.status_code == 200
    refused = client.post(
        f"/api/v1/isolation/orders/{b['id']}/confirm",
        json={"version": b["version"], "facility_id": outbreak["hotel"]["id"]},
    )
    assert refused.status_code == 422
    assert "closed" in refused.text
    assert orders(client, outbreak["b"])[0]["status"] == "proposed"
    shrink = client.patch(f"/api/v1/facilities/{outbreak['camp']['id']}", json={"capacity": 1})
    assert shrink.status_code == 422
    assert "capacity" in shrink.text
    twice = facility_raw(client, "CL-01", ward(hanoi, "00001"))
    assert twice.status_code == 409
    nowhere = facility_raw(client, "CL-77", ward(hanoi, "001"))  # a district, not a ward
    assert nowhere.status_code == 422
    assert session.scalar(select(func.count()).select_from(IsolationOrder)) == before


def facility_raw(client: TestClient, code: str, ward_id: int) -> Any:
    body = {"code": code, "name": "x", "kind": "hotel", "ward_id": ward_id, "capacity": 5}
    return client.post("/api/v1/facilities", json=body)


def test_a_facility_manager_sees_who_is_inside_and_who_arrives(
    client: TestClient, outbreak: dict[str, Any], hanoi: Session, sign_in: SignIn
) -> None:
    from cordon.access.models import User

    manager = sign_in("facility_manager", "01", "camp-manager")
    other = sign_in("facility_manager", "01", "hotel-manager")
    ids = dict(hanoi.execute(select(User.username, User.id)).all())
    camp, hotel = outbreak["camp"]["id"], outbreak["hotel"]["id"]
    for fid, name in ((camp, "camp-manager"), (hotel, "hotel-manager")):
        assert client.patch(
            f"/api/v1/facilities/{fid}", json={"manager_user_id": ids[name]}
        ).is_success
    (a,) = orders(client, outbreak["a"])
    client.post(f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]})
    seen = client.get(f"/api/v1/facilities/{camp}/residents", headers=manager)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert [o["person_id"] for o in body["inside"]] == [outbreak["a"]]
    assert [o["person_id"] for o in body["arriving"]] == [outbreak["b"]]
    assert all(o["name"] for o in body["inside"] + body["arriving"])  # theirs: by name
    assert body["leaving"] == []
    assert client.get(f"/api/v1/facilities/{camp}/residents", headers=other).status_code == 404
    person = client.get(f"/api/v1/people/{outbreak['a']}", headers=manager)
    assert person.status_code == 200  # placed in their facility: in their sight
    assert client.get(f"/api/v1/people/{outbreak['c']}", headers=manager).status_code == 404


def test_a_confirmed_order_is_sent_to_the_person_by_sms(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    from cordon.outbox.models import OutboxMessage

    phone = {"phone": "0912 345 678", "version": 1}
    assert client.patch(f"/api/v1/people/{outbreak['a']}", json=phone).status_code == 200
    (a,) = orders(client, outbreak["a"])
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # proposed only
    confirmed = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]}
    )
    assert confirmed.status_code == 200
    (sms,) = session.scalars(select(OutboxMessage)).all()
    assert (sms.recipient, sms.kind.value, sms.person_id) == (
        "+84912345678",
        "order_created",
        outbreak["a"],
    )
    end = dt.date.fromisoformat(a["ends_on"]).strftime("%d/%m/%Y")
    assert "Khu cách ly CL-01" in sms.body
    assert end in sms.body
    (b,) = orders(client, outbreak["b"])  # no phone: told in person, nothing queued
    client.post(f"/api/v1/isolation/orders/{b['id']}/confirm", json={"version": b["version"]})
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def _ended_yesterday(session: Session, order_id: int) -> None:
    """Time passes: the order's period ended yesterday (every date of it moves back)."""
    order = session.get(IsolationOrder, order_id)
    assert order is not None
    shift = order.ends_on - (today() - dt.timedelta(days=1))
    order.ends_on -= shift
    order.starts_on -= shift
    order.last_exposure_on -= shift
    order.monitor_until = order.monitor_until - shift if order.monitor_until else None
    for task in session.scalars(select(LabTask).where(LabTask.order_id == order_id)):
        task.due_on -= shift
    session.commit()


def _tested(session: Session, person: int, on: dt.date, result: str) -> None:
    from cordon.cases.enums import TestMethod, TestResult
    from cordon.cases.models import LabTest

    session.add(
        LabTest(
            person_id=person, method=TestMethod.pcr, sample_taken_on=on, result=TestResult(result)
        )
    )
    session.commit()


def test_release_after_the_facility_then_after_home_monitoring(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    from cordon.outbox.models import OutboxMessage

    phone = {"phone": "0912 345 678", "version": 1}
    assert client.patch(f"/api/v1/people/{outbreak['a']}", json=phone).status_code == 200
    (a,) = orders(client, outbreak["a"])
    a = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]}
    ).json()
    early = client.post(
        f"/api/v1/isolation/orders/{a['id']}/release", json={"version": a["version"]}
    )
    assert early.status_code == 409
    assert "period is not over" in early.text

    _ended_yesterday(session, a["id"])
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert due["ready"] is False
    assert due["problems"] == ["a test of the regime is still to be taken or its result is awaited"]
    (task,) = client.get(f"/api/v1/isolation/orders/{a['id']}/tasks").json()
    _tested(session, outbreak["a"], dt.date.fromisoformat(task["due_on"]), "negative")
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert due["ready"] is True
    version = due["order"]["version"]
    home = client.post(f"/api/v1/isolation/orders/{a['id']}/release", json={"version": version})
    assert home.status_code == 200, home.text
    assert (home.json()["status"], home.json()["place"]) == ("confirmed", "monitoring")
    assert home.json()["facility_id"] is None
    assert client.get(f"/api/v1/facilities/{outbreak['camp']['id']}").json()["booked"] == 1

    _ended_yesterday(session, a["id"])
    version = client.get(f"/api/v1/isolation/orders/{a['id']}").json()["version"]
    done = client.post(f"/api/v1/isolation/orders/{a['id']}/release", json={"version": version})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "released"
    kinds = sorted(m.kind.value for m in session.scalars(select(OutboxMessage)))
    assert kinds == ["order_created", "release"]


def test_a_positive_test_stands_in_the_way_of_release(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    (b,) = orders(client, outbreak["b"])
    b = client.post(
        f"/api/v1/isolation/orders/{b['id']}/confirm", json={"version": b["version"]}
    ).json()
    _ended_yesterday(session, b["id"])
    _tested(session, outbreak["b"], today() - dt.timedelta(days=1), "positive")
    version = client.get(f"/api/v1/isolation/orders/{b['id']}").json()["version"]
    refused = client.post(f"/api/v1/isolation/orders/{b['id']}/release", json={"version": version})
    assert refused.status_code == 409
    assert "positive" in refused.text
    assert orders(client, outbreak["b"])[0]["status"] == "confirmed"


def test_a_proposal_for_a_tier_the_regime_does_not_isolate_is_ended(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    from cordon.isolation import proposals as service

    (c,) = orders(client, outbreak["c"])  # F2 at home, proposed
    (a,) = orders(client, outbreak["a"])
    client.post(f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]})
    done = service.react(session, {outbreak["c"]: 3, outbreak["a"]: 3}, cause="a path moved")
    session.commit()
    assert done.ended == 1
    (c,) = orders(client, outbreak["c"])
    assert (c["status"], c["close_reason"]) == (
        "ended",
        "the regime does not isolate this tier now",
    )
    (a,) = orders(client, outbreak["a"])
    assert a["status"] == "confirmed"  # in force: the officer releases it


def test_a_contact_in_isolation_who_becomes_a_case_was_found_in_quarantine(
    client: TestClient, outbreak: dict[str, Any]
) -> None:
    (a,) = orders(client, outbreak["a"])
    a = client.post(
        f"/api/v1/isolation/orders/{a['id']}/confirm", json={"version": a["version"]}
    ).json()
    body = {"person_id": outbreak["a"], "status": "confirmed", "confirmed_on": str(today())}
    case = client.post("/api/v1/cases", json=body)
    assert case.status_code == 201, case.text
    # isolated since the order's first day: the case's transmission window closes there
    assert case.json()["isolated_on"] == a["starts_on"]
    assert case.json()["classification"] == "in_quarantine"
    (ended,) = orders(client, outbreak["a"])
    assert (ended["status"], ended["close_reason"]) == ("ended", "confirmed case")
    assert orders(client, outbreak["b"])[0]["status"] == "proposed"  # not isolated yet
    body = {"person_id": outbreak["b"], "status": "confirmed", "confirmed_on": str(today())}
    other = client.post("/api/v1/cases", json=body).json()
    assert (other["isolated_on"], other["classification"]) == (None, None)
