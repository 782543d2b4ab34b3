"""The ward health worker's page, in a browser's shoes: the open flags of the ward and who
has not reported today; a flag closed with a note (none: said next to the field in
Vietnamese, nothing changes); a report taken by phone stored once however often the form is
sent, a bad temperature refused by field; another ward's worker sees none of it and gets
404 for its forms; a role that may only read sees no form, a pseudonymised one no name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.core.dates import today
from cordon.core.models import utcnow
from cordon.geography.models import AdminUnit
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import service
from cordon.monitoring.enums import FlagStatus, Reporter
from cordon.monitoring.models import Flag, SelfReport
from pagekit import Browser, csrf_of

pytestmark = pytest.mark.usefixtures("city_regime")


@pytest.fixture
def ward(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, Any]:
    """An F1 and an F2 of a case in Phúc Xá, both at home; neither has reported today; the
    F1, placed two days ago, has a missed-report flag."""
    phuc_xa = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    f0, f1, f2 = (make_person(n, ward_id=phuc_xa) for n in ("Ca Ba", "Đỗ Văn Bình", "Lý Thị Cúc"))
    assert client.patch(f"/api/v1/people/{f2}", json={"phone": "0987 111 222", "version": 1})
    day = today() - dt.timedelta(days=2)
    for a, b, on in ((f0, f1, day), (f1, f2, day + dt.timedelta(days=1))):
        body = {"person_id": a, "contact_id": b, "first_on": str(on), "last_on": str(on)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    out: dict[str, Any] = {}
    for name, person in (("f1", f1), ("f2", f2)):
        (order,) = client.get(f"/api/v1/people/{person}/isolation-orders").json()
        confirmed = client.post(
            f"/api/v1/isolation/orders/{order['id']}/confirm",
            json={"version": order["version"], "place": "home"},
        )
        assert confirmed.status_code == 200, confirmed.text
        out[name] = {"person": person, "order": order["id"]}
    f1_order = hanoi.get(IsolationOrder, out["f1"]["order"])
    assert f1_order is not None
    hanoi.refresh(f1_order)
    f1_order.decided_at = utcnow() - dt.timedelta(days=2)  # placed two days ago
    hanoi.commit()
    assert service.check_missed(hanoi) == 1  # the F2 was placed today
    hanoi.commit()
    (flag,) = hanoi.scalars(select(Flag)).all()
    out["flag"] = flag.id
    return out


def _reports(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SelfReport)) or 0


def test_the_worker_closes_a_flag_saying_what_was_done(
    browser: Browser, ward: dict[str, Any], session: Session
) -> None:
    worker = browser("ward_worker", "00001")
    home = worker.get("/")
    assert 'href="/monitoring"' in home.text  # the flags card and the nav
    page = worker.get("/monitoring")
    assert page.status_code == 200
    assert "Cảnh báo chưa xử lý" in page.text
    assert "Đỗ Văn Bình" in page.text
    assert "chưa khai báo y tế" in page.text  # the flag's kind
    assert 'href="tel:+84987111222"' in page.text  # the F2's phone, to call
    url = f"/monitoring/flags/{ward['flag']}/close"
    empty = worker.post(url, data={"note": "  ", "csrf_token": csrf_of(page.text), "page": "1"})
    assert empty.status_code == 422
    assert "hãy ghi rõ đã làm gì" in empty.text
    assert f'aria-describedby="e-flag-{ward["flag"]}"' in empty.text
    flag = session.get(Flag, ward["flag"])
    assert flag is not None
    assert flag.status is FlagStatus.open
    note = "Đã gọi điện: quên khai báo, đã hướng dẫn"
    closed = worker.post(
        url, data={"note": note, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert closed.status_code == 303
    assert closed.headers["location"] == "/monitoring?page=1&saved=flag"
    flag = session.get(Flag, ward["flag"], populate_existing=True)  # read again
    assert flag is not None
    assert flag.status is FlagStatus.closed
    assert flag.note == note
    again = worker.post(url, data={"note": note, "csrf_token": csrf_of(page.text)})
    assert again.status_code == 409
    assert "Cảnh báo này đã được xử lý." in again.text


def test_a_report_taken_by_phone_is_stored_once(
    browser: Browser, ward: dict[str, Any], session: Session
) -> None:
    worker = browser("ward_worker", "00001")
    page = worker.get("/monitoring")
    order = ward["f2"]["order"]
    url = f"/monitoring/orders/{order}/report"
    form = {
        "csrf_token": csrf_of(page.text),
        "page": "1",
        "submission": "phone-report-0001",
        "temperature": "45",
        "symptoms": ["cough", "fatigue"],
        "note": "gọi lúc 9 giờ",
    }
    hot = worker.post(url, data=form)
    assert hot.status_code == 422
    assert "Hãy nhập một số từ 34 đến 43." in hot.text
    assert 'value="phone-report-0001"' in hot.text  # the same form, its key kept
    assert "gọi lúc 9 giờ" in hot.text
    assert _reports(session) == 0
    form["temperature"] = "38,2"
    sent = worker.post(url, data=form, follow_redirects=False)
    assert sent.status_code == 303
    twice = worker.post(url, data=form, follow_redirects=False)  # a double tap
    assert twice.status_code == 303
    (report,) = session.scalars(select(SelfReport)).all()
    assert report.reporter is Reporter.worker
    assert report.temperature == 38.2
    assert report.symptoms == ["cough", "fatigue"]
    kinds = set(session.scalars(select(Flag.kind).where(Flag.order_id == order)))
    assert {k.value for k in kinds} == {"fever", "symptoms"}
    after = worker.get("/monitoring?saved=report")
    assert "Đã lưu khai báo." in after.text
    assert f'id="order-{order}"' not in after.text  # reported today: off the list
    assert f'id="order-{ward["f1"]["order"]}"' in after.text


def test_another_wards_worker_sees_nothing_and_cannot_act(
    browser: Browser, ward: dict[str, Any], session: Session
) -> None:
    other = browser("ward_worker", "00004")  # Trúc Bạch
    page = other.get("/monitoring")
    assert page.status_code == 200
    assert "Đỗ Văn Bình" not in page.text
    assert "Lý Thị Cúc" not in page.text
    token = csrf_of(page.text)
    close = other.post(
        f"/monitoring/flags/{ward['flag']}/close", data={"note": "x", "csrf_token": token}
    )
    assert close.status_code == 404
    report = {"submission": "elsewhere-01", "temperature": "36.6", "csrf_token": token}
    assert (
        other.post(f"/monitoring/orders/{ward['f2']['order']}/report", data=report).status_code
        == 404
    )
    assert (
        other.post(
            "/monitoring/flags/999999/close", data={"note": "x", "csrf_token": token}
        ).status_code
        == 404
    )
    flag = session.get(Flag, ward["flag"])
    assert flag is not None
    assert flag.status is FlagStatus.open
    assert _reports(session) == 0


@pytest.mark.usefixtures("watcher")
def test_a_reading_role_sees_no_form_and_a_pseudonymised_one_no_name(
    browser: Browser, ward: dict[str, Any]
) -> None:
    page = browser("isolation_watcher", "00001").get("/monitoring")
    assert page.status_code == 200
    assert f'id="flag-{ward["flag"]}"' in page.text
    assert f'id="order-{ward["f2"]["order"]}"' in page.text
    for name in ("Đỗ Văn Bình", "Lý Thị Cúc", "tel:"):
        assert name not in page.text
    assert "P-" in page.text  # pseudonyms instead
    assert '<form method="post" action="/monitoring' not in page.text
    assert browser("analyst", "00001").get("/monitoring").status_code == 403
