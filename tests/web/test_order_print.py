"""The printable isolation order: everything the paper needs (person, place, dates, the
regime and its legal basis, the city's health authority, a signature block), in Vietnamese
and English, from the person page's list of orders; outside the jurisdiction 404; a
pseudonymised role sees no name or identifying detail; each reading is in the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.audit import service as audit
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser

pytestmark = pytest.mark.usefixtures("city_regime")


@pytest.fixture
def orders(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, Any]:
    """A case in Phúc Xá with an F1 in a hotel (proposed there) and an F2 at home
    (confirmed)."""
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    hotel = {"code": "KS-9", "name": "Khách sạn Thắng Lợi", "kind": "hotel", "capacity": 3}
    hotel |= {"ward_id": ward, "address": "200 Yên Phụ"}
    assert client.post("/api/v1/facilities", json=hotel).status_code == 201
    f0, f1, f2 = (make_person(n, ward_id=ward) for n in ("Ca Tư", "Hồ Văn Đức", "Tạ Thị Em"))
    who = {"birth_year": 1975, "national_id": "001075012345", "address": "5 Hàng Bún"}
    assert client.patch(f"/api/v1/people/{f1}", json={**who, "version": 1}).is_success
    day = today() - dt.timedelta(days=2)
    for a, b, on in ((f0, f1, day), (f1, f2, day + dt.timedelta(days=1))):
        body = {"person_id": a, "contact_id": b, "first_on": str(on), "last_on": str(on)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    (facility,) = client.get(f"/api/v1/people/{f1}/isolation-orders").json()
    (home,) = client.get(f"/api/v1/people/{f2}/isolation-orders").json()
    confirmed = client.post(f"/api/v1/isolation/orders/{home['id']}/confirm", json={"version": 1})
    assert confirmed.status_code == 200, confirmed.text
    return {"f1": f1, "facility": facility, "f2": f2, "home": home}


def test_the_printed_order_says_everything_in_vietnamese(
    browser: Browser, orders: dict[str, Any], session: Session
) -> None:
    officer = browser("district_officer", "001")
    order = orders["facility"]
    person = officer.get(f"/people/{orders['f1']}")
    assert f'href="/isolation/orders/{order["id"]}/print"' in person.text
    page = officer.get(f"/isolation/orders/{order['id']}/print")
    assert page.status_code == 200
    for said in (
        "Quyết định cách ly y tế",
        f"Số: {order['id']}",
        "Sở Y tế Hà Nội",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Hồ Văn Đức",
        "1975",
        "001075012345",
        "5 Hàng Bún",
        "phường Phúc Xá, quận Ba Đình",
        "F1",
        "Khách sạn Thắng Lợi, 200 Yên Phụ",
        "City regime: the 2020 rules, with tests",
        "Căn cứ: Quyết định của UBND thành phố (thử nghiệm)",
        "Sau đó theo dõi sức khỏe tại nhà đến hết ngày",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "data-print",  # the print button (its handler in /static/js/page.js, under the CSP)
        "Quyết định này không có hiệu lực (đề xuất).",  # proposed, not confirmed yet
    ):
        assert said in page.text, said
    assert "window.print()" in officer.get("/static/js/page.js").text
    css = officer.get("/static/css/app.css").text
    assert "@media print" in css
    assert "size: A4" in css
    reads, _ = audit.entries(session, person_id=orders["f1"])
    printed = [e for e in reads if e.detail.get("view") == "print"]
    assert [(e.action, e.resource, e.resource_id) for e in printed] == [
        ("read", "isolation_orders", str(order["id"]))
    ]


def test_the_printed_order_in_english_and_at_home(browser: Browser, orders: dict[str, Any]) -> None:
    page = browser("ward_worker", "00001", lang="en").get(
        f"/isolation/orders/{orders['home']['id']}/print"
    )
    assert page.status_code == 200
    for said in (
        "Isolation order",
        "Hà Nội Department of Health",
        "Socialist Republic of Viet Nam",
        "Tạ Thị Em",
        "At home, under the supervision of the ward health station",
        "(signature, full name and seal)",
    ):
        assert said in page.text, said
    assert "not in force" not in page.text  # confirmed


def test_outside_the_jurisdiction_the_order_does_not_exist(
    browser: Browser, orders: dict[str, Any]
) -> None:
    other = browser("ward_worker", "00004")
    assert other.get(f"/isolation/orders/{orders['home']['id']}/print").status_code == 404
    assert other.get("/isolation/orders/999999/print").status_code == 404
    assert (
        browser("analyst", "00001")
        .get(f"/isolation/orders/{orders['home']['id']}/print")
        .status_code
        == 403
    )


@pytest.mark.usefixtures("watcher")
def test_a_pseudonymised_role_prints_no_name(browser: Browser, orders: dict[str, Any]) -> None:
    page = browser("isolation_watcher", "00001").get(
        f"/isolation/orders/{orders['facility']['id']}/print"
    )
    assert page.status_code == 200
    for hidden in ("Hồ Văn Đức", "001075012345", "5 Hàng Bún"):  # as the API pseudonymises
        assert hidden not in page.text, hidden
    assert "P-" in page.text
    assert "Khách sạn Thắng Lợi" in page.text  # the place is no one's personal data


def test_the_printed_monitoring_after_discharge_names_the_rule_by_its_title(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    person = make_person("Phan Thị Thu", ward_id=ward)
    sampled = today() - dt.timedelta(days=11)
    case = {"person_id": person, "status": "confirmed", "confirmed_on": str(sampled)}
    made = client.post("/api/v1/cases", json={**case, "sample_on": str(sampled)}).json()
    for ago in (1, 0):
        day = str(today() - dt.timedelta(days=ago))
        test = {"method": "pcr", "sample_taken_on": day, "result": "negative", "result_on": day}
        assert client.post(f"/api/v1/cases/{made['id']}/lab-tests", json=test).is_success
    version = client.get(f"/api/v1/cases/{made['id']}").json()["version"]
    done = client.post(
        f"/api/v1/cases/{made['id']}/discharge", json={"version": version, "symptom_free": True}
    )
    assert done.status_code == 200, done.text
    order = done.json()["monitoring_order_id"]
    page = browser("district_officer", "001", lang="en").get(f"/isolation/orders/{order}/print")
    assert page.status_code == 200
    assert "vn-discharge-2021-07" not in page.text
    assert "July 2021: from day 10 after the positive sample" in page.text
    assert "3416/QĐ-BYT" in page.text
