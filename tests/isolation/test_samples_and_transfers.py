"""Samples of people in isolation and what their results do; moving an order in force; an
officer's changes at confirmation; the ward's alerts. Through the API, as the ward, the
laboratory and the district officer use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.core.dates import today
from cordon.isolation.enums import TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask, Transfer
from cordon.monitoring.models import Flag
from cordon.outbox.models import OutboxMessage
from isolation.test_orders import _ended_yesterday, orders, outbreak

pytestmark = pytest.mark.usefixtures("city_regime")
__all__ = ["outbreak"]  # the fixture, shared with test_orders


def confirmed(client: TestClient, person: int, **changes: Any) -> dict[str, Any]:
    (o,) = [o for o in orders(client, person) if o["status"] == "proposed"]
    response = client.post(
        f"/api/v1/isolation/orders/{o['id']}/confirm", json={"version": o["version"], **changes}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def due_tasks(client: TestClient, person: int | None = None, **query: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/isolation/lab-tasks", params=query)
    assert response.status_code == 200, response.text
    return [t for t in response.json()["items"] if person in (None, t["person_id"])]


def sample(client: TestClient, task_id: int, **body: Any) -> Any:
    return client.post(
        f"/api/v1/isolation/lab-tasks/{task_id}/tests", json={"method": "pcr", **body}
    )


def test_a_sample_meets_its_task_and_the_order_can_be_released(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    a = confirmed(client, outbreak["a"])
    _ended_yesterday(session, a["id"])
    (task,) = due_tasks(client)
    assert (task["person_id"], task["order_id"], task["name"]) == (
        outbreak["a"],
        a["id"],
        "Nguyễn Văn An",
    )
    long_ago = str(today() - dt.timedelta(days=30))
    early = sample(client, task["id"], sample_taken_on=long_ago, result="negative")
    assert early.status_code == 422
    assert "sample_taken_on" in early.text
    awaited = sample(client, task["id"], sample_taken_on=task["due_on"], result="pending")
    assert awaited.status_code == 201, awaited.text
    assert due_tasks(client) == []  # the sample is taken
    again = sample(client, task["id"], sample_taken_on=task["due_on"], result="negative")
    assert again.status_code == 409
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert due["problems"] == ["a test of the regime is still to be taken or its result is awaited"]

    result = client.post(
        f"/api/v1/lab-tests/{awaited.json()['id']}/result",
        json={"result": "negative", "result_on": str(today())},
    )
    assert result.status_code == 200, result.text
    assert result.json()["case_id"] is None  # a contact's negative test makes no case
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert due["ready"] is True
    twice = client.post(
        f"/api/v1/lab-tests/{awaited.json()['id']}/result",
        json={"result": "positive", "result_on": str(today())},
    )
    assert twice.status_code == 409


def test_a_positive_sample_makes_a_suspected_case_and_alerts_the_ward(
    client: TestClient, outbreak: dict[str, Any], session: Session, sign_in: SignIn
) -> None:
    from cordon.access.models import User

    sign_in("ward_worker", "00001", "phuc-xa-station")
    sign_in("lab", "01", "cdc-lab")
    phone = {"phone": "0987 654 321", "email": None}
    put = client.put("/api/v1/users/phuc-xa-station/alert-contacts", json=phone)
    assert put.status_code == 200, put.text
    assert put.json()["alert_phone"] == "+84987654321"
    bad = client.put("/api/v1/users/cdc-lab/alert-contacts", json={"phone": "12", "email": "x@"})
    assert bad.status_code == 422
    assert "phone" in bad.text
    assert "email" in bad.text
    session.expire_all()
    lab_user = session.scalar(select(User).where(User.username == "cdc-lab"))
    assert lab_user is not None
    assert lab_user.alert_phone is None

    a = confirmed(client, outbreak["a"])
    (task,) = due_tasks(client, outbreak["a"], on=str(today() + dt.timedelta(days=30)))
    _ended_yesterday(session, a["id"])
    day = str(today() - dt.timedelta(days=1))
    positive = sample(client, task["id"], sample_taken_on=day, result="positive", result_on=day)
    assert positive.status_code == 201, positive.text
    case_id = positive.json()["case_id"]
    case = client.get(f"/api/v1/cases/{case_id}").json()
    assert case["status"] == "suspected"  # the epidemiologist confirms it
    (flag,) = session.scalars(select(Flag)).all()
    assert (flag.kind.value, flag.status.value, flag.order_id) == ("positive_test", "open", a["id"])
    (alert,) = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "flag_raised"))
    assert alert.recipient == "+84987654321"
    assert f"P-{outbreak['a']}" in alert.body
    assert "dương tính" not in alert.body  # the flag's kind, never a result
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert due["problems"] == [
        "a test since the last exposure was positive",
        "a monitoring flag is still open",
    ]


def test_a_confirming_positive_pcr_ends_the_order(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    a = confirmed(client, outbreak["a"])
    _ended_yesterday(session, a["id"])
    (task,) = due_tasks(client, outbreak["a"])
    day = task["due_on"]
    done = sample(
        client, task["id"], sample_taken_on=day, result="positive", result_on=day, confirm=True
    )
    assert done.status_code == 201, done.text
    case = client.get(f"/api/v1/cases/{done.json()['case_id']}").json()
    assert case["status"] == "confirmed"
    (a,) = orders(client, outbreak["a"])
    assert (a["status"], a["close_reason"]) == ("ended", "confirmed case")


def test_an_open_flag_stands_in_the_way_of_release_until_the_ward_closes_it(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    b = confirmed(client, outbreak["b"])
    report = {"temperature": 38.6, "symptoms": [], "submission": "flag-in-the-way-1"}
    assert client.post(f"/api/v1/isolation/orders/{b['id']}/reports", json=report).is_success
    _ended_yesterday(session, b["id"])
    for task in session.scalars(select(LabTask).where(LabTask.order_id == b["id"])):
        task.status = TaskStatus.cancelled  # the regime's tests aside here
    session.commit()
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert "a monitoring flag is still open" in due["problems"]
    refused = client.post(
        f"/api/v1/isolation/orders/{b['id']}/release", json={"version": due["order"]["version"]}
    )
    assert refused.status_code == 409
    assert "flag" in refused.text
    (flag,) = client.get("/api/v1/monitoring/flags").json()["items"]
    closing = {"note": "called: 36.9 °C now, no symptoms; the test is negative"}
    assert client.post(f"/api/v1/monitoring/flags/{flag['id']}/close", json=closing).is_success
    (due,) = client.get("/api/v1/isolation/releases").json()
    assert "a monitoring flag is still open" not in due["problems"]


def test_an_order_in_force_moves_to_another_facility(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    phone = {"phone": "0912 345 678", "version": 1}
    assert client.patch(f"/api/v1/people/{outbreak['a']}", json=phone).status_code == 200
    a = confirmed(client, outbreak["a"])
    camp, hotel = outbreak["camp"]["id"], outbreak["hotel"]["id"]
    url = f"/api/v1/isolation/orders/{a['id']}/transfer"
    body = {"version": a["version"], "place": "facility", "facility_id": hotel}
    assert client.post(url, json={**body, "reason": " "}).status_code == 422
    assert client.post(url, json={**body, "facility_id": camp, "reason": "x"}).status_code == 422
    moved = client.post(url, json={**body, "reason": "the camp's ward is locked down"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["facility_id"], moved.json()["status"]) == (hotel, "confirmed")
    assert client.get(f"/api/v1/facilities/{camp}").json()["booked"] == 1  # B's bed only
    assert client.get(f"/api/v1/facilities/{hotel}").json()["booked"] == 1
    stale = client.post(url, json={**body, "facility_id": camp, "reason": "back"})
    assert stale.status_code == 409
    (t,) = client.get(f"/api/v1/isolation/orders/{a['id']}/transfers").json()
    assert (t["from_facility_id"], t["to_facility_id"], t["reason"]) == (
        camp,
        hotel,
        "the camp's ward is locked down",
    )
    sms = session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)).all()
    assert len(sms) == 2
    assert "Khu cách ly KS-09" in sms[1]

    (b,) = orders(client, outbreak["b"])  # proposed: confirmed, not moved
    refused = client.post(
        f"/api/v1/isolation/orders/{b['id']}/transfer",
        json={"version": b["version"], "place": "home", "reason": "x"},
    )
    assert refused.status_code == 409
    assert session.scalar(select(func.count()).select_from(Transfer)) == 1


def test_an_officer_changes_the_regime_or_the_last_day_at_confirmation(
    client: TestClient, outbreak: dict[str, Any], session: Session
) -> None:
    (a,) = orders(client, outbreak["a"])
    url = f"/api/v1/isolation/orders/{a['id']}/confirm"
    unknown = client.post(url, json={"version": a["version"], "regime_id": "vn-2019"})
    assert unknown.status_code == 422
    assert "regime_id" in unknown.text
    backwards = client.post(url, json={"version": a["version"], "ends_on": "2020-01-01"})
    assert backwards.status_code == 422
    assert "ends_on" in backwards.text
    session.expire_all()
    order = session.get(IsolationOrder, a["id"])
    assert order is not None
    assert (order.status.value, order.version, order.regime_id) == ("proposed", 1, "city-2026")

    changed = client.post(url, json={"version": a["version"], "regime_id": "vn-2021-05"})
    assert changed.status_code == 200, changed.text
    d = outbreak["day"]
    assert changed.json()["regime_id"] == "vn-2021-05"
    assert changed.json()["ends_on"] == str(d + dt.timedelta(days=21))
    assert changed.json()["monitor_until"] == str(d + dt.timedelta(days=28))
    tasks = client.get(f"/api/v1/isolation/orders/{a['id']}/tasks").json()
    scheduled = [t["due_on"] for t in tasks if t["status"] == "scheduled"]
    assert scheduled == [str(d + dt.timedelta(days=14)), str(d + dt.timedelta(days=20))]
