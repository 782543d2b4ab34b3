"""Isolation orders in the web app: a district officer sees the proposals of their district
with the facility proposed, confirms one in another facility, is told in Vietnamese why a
decline needs a reason, and the person page lists the person's orders."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser, csrf_of

pytestmark = pytest.mark.usefixtures("city_regime")


def test_an_officer_decides_proposed_orders(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    camp = {"code": "CL-1", "name": "Trại Sóc Sơn", "kind": "military_camp", "capacity": 5}
    hotel = {"code": "KS-1", "name": "Khách sạn Mường Thanh", "kind": "hotel", "capacity": 5}
    ids = [
        client.post("/api/v1/facilities", json={**f, "ward_id": ward}).json()["id"]
        for f in (camp, hotel)
    ]
    f0, a, b = (make_person(name, ward_id=ward) for name in ("Ca Một", "Lò Văn An", "Hà Thị Bé"))
    day = str(today() - dt.timedelta(days=2))
    for c in (a, b):
        body = {"person_id": f0, "contact_id": c, "first_on": day, "last_on": day}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": day}
    assert client.post("/api/v1/cases", json=case).status_code == 201

    officer = browser("district_officer", "001")
    page = officer.get("/isolation")
    assert page.status_code == 200
    assert "Đề xuất, chờ quyết định" in page.text
    assert "Lò Văn An" in page.text
    assert "Hà Thị Bé" in page.text
    orders = {o["person_id"]: o for o in client.get("/api/v1/isolation/orders").json()["items"]}
    oa, ob = orders[a], orders[b]
    moved = officer.post(
        f"/isolation/orders/{oa['id']}",
        data={
            "action": "confirm",
            "version": oa["version"],
            "facility_id": ids[1],
            "csrf_token": csrf_of(page.text),
        },
    )
    assert moved.status_code == 200  # back to the list
    assert client.get(f"/api/v1/isolation/orders/{oa['id']}").json()["facility_id"] == ids[1]
    no_reason = officer.post(
        f"/isolation/orders/{ob['id']}",
        data={"action": "decline", "version": ob["version"], "csrf_token": csrf_of(page.text)},
    )
    assert no_reason.status_code == 422
    assert "hãy ghi rõ lý do từ chối" in no_reason.text
    assert client.get(f"/api/v1/isolation/orders/{ob['id']}").json()["status"] == "proposed"
    person = officer.get(f"/people/{a}")
    assert "Quyết định cách ly" in person.text
    assert "cách ly tập trung" in person.text


def test_an_officer_releases_an_order_whose_period_is_over(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    from cordon.cases.enums import TestMethod, TestResult
    from cordon.cases.models import LabTest
    from cordon.isolation.models import IsolationOrder

    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    home = {"code": "-", "name": "-", "kind": "hotel", "capacity": 1, "ward_id": ward}
    assert client.post("/api/v1/facilities", json={**home, "code": "KS-2"}).is_success
    f0, c, d = (make_person(n, ward_id=ward) for n in ("Ca Hai", "Mai Văn Cường", "Lê Thị Dung"))
    day = today() - dt.timedelta(days=2)
    for a, b, on in ((f0, c, day), (c, d, day + dt.timedelta(days=1))):
        body = {"person_id": a, "contact_id": b, "first_on": str(on), "last_on": str(on)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    (order,) = client.get(f"/api/v1/people/{d}/isolation-orders").json()  # F2: home, no tests
    client.post(f"/api/v1/isolation/orders/{order['id']}/confirm", json={"version": 1})
    row = hanoi.get(IsolationOrder, order["id"])
    assert row is not None
    row.ends_on = today() - dt.timedelta(days=1)  # time passes
    hanoi.add(
        LabTest(
            person_id=d, method=TestMethod.pcr, sample_taken_on=today(), result=TestResult.negative
        )
    )
    hanoi.commit()

    officer = browser("district_officer", "001")
    page = officer.get("/isolation")
    assert "Hết thời gian cách ly: chờ cho kết thúc" in page.text
    released = officer.post(
        f"/isolation/orders/{order['id']}",
        data={"action": "release", "version": row.version, "csrf_token": csrf_of(page.text)},
    )
    assert released.status_code == 200
    assert client.get(f"/api/v1/isolation/orders/{order['id']}").json()["status"] == "released"


def _placed(client: TestClient, hanoi: Session, make_person: MakePerson) -> tuple[int, int, int]:
    """A confirmed facility order of an F1 of Phúc Xá, at camp CL-9; a hotel KS-9 beside it.
    Returns the order, the hotel and the F1."""
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    ids = [
        client.post(
            "/api/v1/facilities",
            json={"code": code, "name": name, "kind": "hotel", "capacity": 3, "ward_id": ward},
        ).json()["id"]
        for code, name in (("CL-9", "Trại Sóc Sơn"), ("KS-9", "Khách sạn Hoà Bình"))
    ]
    f0, a = make_person("Ca Ba", ward_id=ward), make_person("Đỗ Văn Sơn", ward_id=ward)
    day = str(today() - dt.timedelta(days=7))
    body = {"person_id": f0, "contact_id": a, "first_on": day, "last_on": day}
    assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    assert client.post(
        "/api/v1/cases", json={"person_id": f0, "status": "confirmed", "confirmed_on": day}
    ).is_success
    (order,) = client.get(f"/api/v1/people/{a}/isolation-orders").json()
    confirm = {"version": order["version"], "facility_id": ids[0]}
    assert client.post(f"/api/v1/isolation/orders/{order['id']}/confirm", json=confirm).is_success
    return order["id"], ids[1], a


def test_an_officer_moves_a_person_to_another_facility(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    order_id, hotel, _ = _placed(client, hanoi, make_person)
    version = client.get(f"/api/v1/isolation/orders/{order_id}").json()["version"]
    officer = browser("district_officer", "001")
    page = officer.get("/isolation")
    assert "Chuyển nơi cách ly" in page.text
    form = {"action": "transfer", "version": version, "csrf_token": csrf_of(page.text)}
    no_reason = officer.post(f"/isolation/orders/{order_id}", data={**form, "move_to": hotel})
    assert no_reason.status_code == 422
    assert "hãy ghi lý do chuyển" in no_reason.text
    moved = officer.post(
        f"/isolation/orders/{order_id}",
        data={**form, "move_to": hotel, "reason": "trại đầy"},
    )
    assert moved.status_code == 200
    assert client.get(f"/api/v1/isolation/orders/{order_id}").json()["facility_id"] == hotel


def test_the_laboratory_records_a_sample_due_today(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    order_id, _, person = _placed(client, hanoi, make_person)  # day 7: its test is due today
    lab = browser("lab", "01")
    page = lab.get("/isolation/samples")
    assert page.status_code == 200
    assert "Mẫu cần lấy" in page.text
    assert "Đỗ Văn Sơn" in page.text
    (task,) = client.get(f"/api/v1/isolation/orders/{order_id}/tasks").json()
    url = f"/isolation/samples/{task['id']}"
    form = {"method": "pcr", "result": "negative", "csrf_token": csrf_of(page.text)}
    future = str(today() + dt.timedelta(days=1))
    refused = lab.post(url, data={**form, "sample_taken_on": future})
    assert refused.status_code == 422
    assert "Ngày này ở tương lai." in refused.text or "tương lai" in refused.text
    early = lab.post(url, data={**form, "sample_taken_on": str(today() - dt.timedelta(days=3))})
    assert early.status_code == 422
    assert "sớm hơn ngày phải lấy mẫu" in early.text
    assert client.get(f"/api/v1/isolation/orders/{order_id}/tasks").json()[0]["status"] == (
        "scheduled"
    )
    done = lab.post(url, data={**form, "sample_taken_on": str(today())})
    assert done.status_code == 200
    assert "Không có mẫu nào đến hạn." in done.text
    assert client.get(f"/api/v1/isolation/orders/{order_id}/tasks").json()[0]["status"] == "done"
    ward_worker = browser("ward_worker", "00001")
    assert ward_worker.post(url, data={**form, "sample_taken_on": str(today())}).status_code == 403
    assert person


def test_the_laboratorys_home_page_lists_its_work(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    order_id, _, _person = _placed(client, hanoi, make_person)  # its day-7 test is due today
    lab = browser("lab", "01", lang="en")
    home = lab.get("/")
    assert 'id="h-samples"' in home.text
    assert "Đỗ Văn Sơn" in home.text
    assert "No result is awaited." in home.text
    (task,) = client.get(f"/api/v1/isolation/orders/{order_id}/tasks").json()
    form = {"method": "pcr", "result": "pending", "sample_taken_on": str(today())}
    taken = lab.post(
        f"/isolation/samples/{task['id']}", data={**form, "csrf_token": csrf_of(home.text)}
    )
    assert taken.status_code == 200, taken.text
    home = lab.get("/")
    assert "No sample is due." in home.text
    awaited = home.text.split('id="h-awaited"')[1]
    assert "Đỗ Văn Sơn" in awaited
    assert "sample taken on" in awaited
    results = lab.get("/lab/results")
    action = results.text.split('action="/lab/results/')[1].split('"')[0]
    typed = {"result": "negative", "csrf_token": csrf_of(results.text)}
    no_day = lab.post(f"/lab/results/{action}", data={**typed, "result_on": ""})
    assert no_day.status_code == 422
    done = lab.post(f"/lab/results/{action}", data={**typed, "result_on": str(today())})
    assert done.status_code == 200
    assert "No result is awaited." in done.text
    (test,) = client.get(f"/api/v1/isolation/orders/{order_id}/tasks").json()
    assert test["status"] == "done"
    assert browser("ward_worker", "00001").get("/lab/results").status_code == 403
