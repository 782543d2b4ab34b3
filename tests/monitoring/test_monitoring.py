"""Daily monitoring through the API: a ward worker enters a report taken by phone; a fever
and two symptoms raise flags, and the symptomatic F1 becomes a suspected case with a sample
to take today; the same submission twice is stored once; someone who has not reported in
24 hours gets a missed-report flag, once a day; the worker closes a flag saying what was
done; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.cases.models import Case
from cordon.core.dates import today
from cordon.core.models import utcnow
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.monitoring import service
from cordon.monitoring.models import Flag, SelfReport

pytestmark = pytest.mark.usefixtures("city_regime")


@pytest.fixture
def isolated(client: TestClient, make_person: MakePerson) -> dict[str, Any]:
    """An F1 and an F2 of a case, both confirmed at home (no facility in the city)."""
    f0, f1, f2 = make_person(), make_person("Phan Văn Một"), make_person("Vũ Thị Hai")
    day = today() - dt.timedelta(days=2)
    for a, b, on in ((f0, f1, day), (f1, f2, day + dt.timedelta(days=1))):
        body = {"person_id": a, "contact_id": b, "first_on": str(on), "last_on": str(on)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    out = {}
    for name, person in (("f1", f1), ("f2", f2)):
        (order,) = client.get(f"/api/v1/people/{person}/isolation-orders").json()
        confirmed = client.post(
            f"/api/v1/isolation/orders/{order['id']}/confirm",
            json={"version": order["version"], "place": "home"},
        )
        assert confirmed.status_code == 200, confirmed.text
        out[name] = {"person": person, "order": order["id"]}
    return out


def send(client: TestClient, order: int, key: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/isolation/orders/{order}/reports", json={"submission": key, **body}
    )


def test_a_fever_and_symptoms_raise_flags_and_a_suspected_case(
    client: TestClient, isolated: dict[str, Any], session: Session
) -> None:
    f1 = isolated["f1"]
    fine = send(client, f1["order"], "report-0001", temperature=36.8, symptoms=["cough"])
    assert fine.status_code == 201, fine.text
    assert fine.json()["flags"] == []
    sick = send(client, f1["order"], "report-0002", temperature=38.2, symptoms=["cough", "fatigue"])
    assert sick.json()["flags"] == ["fever", "symptoms"]
    flags = client.get("/api/v1/monitoring/flags").json()["items"]
    assert sorted(f["kind"] for f in flags) == ["fever", "symptoms"]
    assert {f["name"] for f in flags} == {"Phan Văn Một"}
    suspected = session.scalars(select(Case).where(Case.person_id == f1["person"])).all()
    assert [c.status.value for c in suspected] == ["suspected"]
    task = session.scalar(select(LabTask).where(LabTask.reason == service.SYMPTOMATIC))
    assert task is not None
    assert task.due_on == today()
    again = send(client, f1["order"], "report-0003", temperature=38.5)
    assert again.json()["flags"] == []  # a fever flag of today is open already


def test_the_same_submission_is_stored_once(
    client: TestClient, isolated: dict[str, Any], session: Session
) -> None:
    order = isolated["f2"]["order"]
    first = send(client, order, "same-key-123", temperature=36.5)
    second = send(client, order, "same-key-123", temperature=36.5)
    assert first.status_code == second.status_code == 201
    assert second.json()["stored_before"] is True
    assert second.json()["id"] == first.json()["id"]
    assert session.scalar(select(func.count()).select_from(SelfReport)) == 1


def test_a_missed_report_raises_a_flag_once_a_day(
    client: TestClient, isolated: dict[str, Any], session: Session
) -> None:
    for ids in isolated.values():  # placed two days ago
        order = session.get(IsolationOrder, ids["order"])
        assert order is not None
        order.decided_at = utcnow() - dt.timedelta(days=2)
    session.commit()
    assert send(client, isolated["f2"]["order"], "report-f2-1", temperature=36.6).is_success
    assert service.check_missed(session) == 1  # the F1 only
    assert service.check_missed(session) == 0  # once a day
    session.commit()
    waiting = client.get("/api/v1/monitoring/not-reported").json()
    assert [o["person_id"] for o in waiting["items"]] == [isolated["f1"]["person"]]
    (flag,) = client.get("/api/v1/monitoring/flags").json()["items"]
    assert flag["kind"] == "missed_report"
    empty = client.post(f"/api/v1/monitoring/flags/{flag['id']}/close", json={"note": " "})
    assert empty.status_code == 422
    closed = client.post(
        f"/api/v1/monitoring/flags/{flag['id']}/close",
        json={"note": "gọi điện: quên khai báo, đã hướng dẫn"},
    )
    assert closed.status_code == 200
    assert client.get("/api/v1/monitoring/flags").json()["total"] == 0


def test_bad_reports_are_refused_and_nothing_is_stored(
    client: TestClient, isolated: dict[str, Any], session: Session
) -> None:
    order = isolated["f1"]["order"]
    for body, field in (
        ({"temperature": 45}, "temperature"),
        ({"symptoms": ["sneezing fits"]}, "symptoms"),
        ({"note": "x" * 2001}, "note"),
    ):
        refused = send(client, order, "bad-report-1", **body)
        assert refused.status_code == 422, body
        assert field in refused.text
    assert send(client, order, "short").status_code == 422
    assert send(client, 999_999, "report-none-1").status_code == 404
    assert session.scalar(select(func.count()).select_from(SelfReport)) == 0
    assert session.scalar(select(func.count()).select_from(Flag)) == 0


def test_self_report_links_go_out_by_sms_once_a_day(
    client: TestClient, isolated: dict[str, Any], session: Session
) -> None:
    from cordon.outbox.models import OutboxMessage

    person = isolated["f2"]["person"]
    assert client.patch(f"/api/v1/people/{person}", json={"phone": "0987 654 321", "version": 1})
    before = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    assert service.send_links(session) == 1  # the F1 has no phone
    session.commit()
    assert service.send_links(session) == 1
    session.commit()
    links = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "report_link")).all()
    assert len(links) == 1  # the second run queued nothing new
    assert "/r/" in links[0].body
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1


def test_who_has_not_reported_comes_a_page_at_a_time(
    client: TestClient, isolated: dict[str, Any]
) -> None:
    pages = [
        client.get("/api/v1/monitoring/not-reported", params={"limit": 1, "offset": k}).json()
        for k in (0, 1)
    ]
    assert [p["total"] for p in pages] == [2, 2]
    people = [p["items"][0]["person_id"] for p in pages]
    assert sorted(people) == sorted(ids["person"] for ids in isolated.values())
