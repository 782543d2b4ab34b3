"""Isolation from the first order to the release, in real browsers at phone width and with
SMS through a local SMS centre (SMPP, tests/outbox):

a new F0 → a hotel proposed for each F1, home for the F2 → a district officer confirms the
three at /isolation and prints one order → the outbox worker delivers the SMS, the F2's
carrying their personal link → the F2 opens it and reports → a day without a report later a
missed-report flag is on the ward health worker's /monitoring page → the worker takes a
report by phone for one F1 → the F2's period over, their order is under "Period over: to
release" but the open flag stands in the way → the worker closes it saying what was done →
the officer releases the order, and the release SMS goes out.

The missed report is raised by ``monitoring.service.check_missed`` told that *now* is 25
hours later (the CLI ``cordon monitoring check`` takes no time). Every page: screenshot, no
WCAG 2.1 AA violation found by axe-core, nothing wider than the phone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from conftest import Account
from cordon.core.dates import today
from cordon.core.models import utcnow
from cordon.geography.models import AdminUnit
from cordon.isolation.models import IsolationOrder
from cordon.monitoring import service as monitoring
from cordon.outbox.worker import Worker
from outbox import conftest as outbox_fixtures
from outbox.smsc import FakeSmsc
from pagekit import PASSWORD

from .browsing import SHOTS, accessibility_problems, screenshot

PHONE = {"Phạm Thị Mai": "0912 345 001", "Đinh Thị Nga": "0912 345 002"}
F1S = ("Phạm Thị Mai", "Phạm Văn Long")
F2 = "Đinh Thị Nga"
HOTEL = "Khách sạn Sông Hồng"

# the local SMS centre and the settings that point the worker at it (tests/outbox)
smsc = outbox_fixtures.smsc
configure = outbox_fixtures.configure


def _checked(page: Any, name: str) -> None:
    screenshot(page, name)
    assert accessibility_problems(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def _phone(chromium: Any, live_server: str) -> Any:
    """A fresh phone-sized browser (no cookies), in Vietnamese."""
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, locale="vi-VN"
    )
    return context.new_page()


def _sign_in(page: Any, path: str, username: str) -> None:
    page.goto(path)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mật khẩu").press("Enter")
    page.wait_for_url(f"**{path}")


def _sms_to(smsc: FakeSmsc, name: str) -> list[str]:
    number = "84" + PHONE[name].replace(" ", "")[1:]
    return [m.text for m in smsc.messages() if m.destination == number]


def _outbreak(client: TestClient, ward: int) -> dict[str, int]:
    """A hotel in Phúc Xá; a new F0 with two F1 in their household, one of whom met an F2."""
    hotel = {"code": "KS-SH", "name": HOTEL, "kind": "hotel", "capacity": 10, "ward_id": ward}
    assert client.post("/api/v1/facilities", json={**hotel, "address": "1 Yên Phụ"}).is_success
    ids: dict[str, int] = {}
    for name in ("Phạm Văn Hải", *F1S, F2):
        person = {"full_name": name, "ward_id": ward, "phone": PHONE.get(name)}
        made = client.post("/api/v1/people", json=person)
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    day = today() - dt.timedelta(days=2)
    met = [("Phạm Văn Hải", f1, day) for f1 in F1S] + [(F1S[0], F2, day + dt.timedelta(days=1))]
    for a, b, on in met:
        body = {"person_id": ids[a], "contact_id": ids[b], "first_on": str(on), "last_on": str(on)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    case = {"person_id": ids["Phạm Văn Hải"], "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201
    return ids


@pytest.mark.usefixtures("city_regime")
def test_orders_confirmed_reported_flagged_closed_and_released(
    page: Any,
    chromium: Any,
    live_server: str,
    engine: Engine,
    hanoi: Session,
    client: TestClient,
    account: Account,
    smsc: FakeSmsc,
    configure: outbox_fixtures.Configure,
    tmp_path: Path,
) -> None:
    # the SMS centre, links to this server, and the city's regime (the file `city_regime`
    # wrote: configuring reloads the settings)
    configure(smsc=smsc, public_url=live_server, regime_file=tmp_path / "regimes.toml")
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    assert ward is not None
    ids = _outbreak(client, ward)
    account("hoa", "district_officer", "001", password=PASSWORD, display_name="Trần Thu Hoa")
    account("lan", "ward_worker", "00001", password=PASSWORD, display_name="Vũ Thị Lan")

    # 1. the officer confirms the three proposals: a hotel for the F1s, home for the F2
    _sign_in(page, "/isolation", "hoa")
    proposed = page.locator("#h-proposed + ul")
    for name in (*F1S, F2):
        assert proposed.get_by_role("link", name=name).is_visible(), name
    assert proposed.locator(".tag", has_text=HOTEL).count() == 2  # a bed for each F1
    _checked(page, "isolation-proposed")
    for name in (*F1S, F2):
        row = page.locator("#h-proposed + ul > li", has=page.get_by_role("link", name=name))
        row.get_by_role("button", name="Xác nhận").click()
        page.locator("#h-confirmed + ul").get_by_role("link", name=name).wait_for()
    _checked(page, "isolation-confirmed")

    # 2. the F1's order, printed from the person page: one page of A4
    page.goto(f"/people/{ids[F1S[0]]}")
    page.get_by_role("link", name="In quyết định").click()
    page.get_by_role("heading", name="Quyết định cách ly y tế").wait_for()
    assert page.get_by_text(f"{HOTEL}, 1 Yên Phụ").is_visible()
    assert page.get_by_role("button", name="In").is_visible()
    _checked(page, "order-print")
    page.emulate_media(media="print")
    assert not page.locator("header.bar").is_visible()  # no menu on paper
    assert not page.get_by_role("button", name="In").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    (SHOTS / "order-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    (box,) = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert [round(float(side)) for side in box] == [595, 842]  # A4, in points
    page.emulate_media(media="screen")

    # 3. the worker delivers: each is told where and until when; today's links go out
    monitoring.send_links(hanoi)
    hanoi.commit()
    Worker(engine).run(once=True)
    told, linked = _sms_to(smsc, F2)
    assert "cách ly y tế tại nơi cư trú của Ông/Bà" in told
    link = linked.rsplit(" ", 1)[-1]
    assert link.startswith(f"{live_server}/r/")
    assert any(HOTEL in text for text in _sms_to(smsc, F1S[0]))

    # 4. the F2 opens their link on their phone and reports
    person = _phone(chromium, live_server)
    person.goto(link)
    person.get_by_role("heading", name="Khai báo y tế hằng ngày").wait_for()
    assert person.get_by_text("Xin chào Nga.").is_visible()  # the given name only
    _checked(person, "self-report-link")
    person.get_by_label("Nhiệt độ (°C)").fill("36,8")
    person.get_by_role("button", name="Gửi khai báo").click()
    person.get_by_text("Cảm ơn bạn").wait_for()
    _checked(person, "self-report-sent")
    person.context.close()

    # 5. a day later nobody has reported for 24 hours: a missed-report flag for each
    assert monitoring.check_missed(hanoi, now=utcnow() + dt.timedelta(hours=25)) == 3
    hanoi.commit()

    # 6. the ward worker takes a report by phone; a flag is not closed without a note
    worker = _phone(chromium, live_server)
    _sign_in(worker, "/", "lan")
    worker.get_by_role("link", name="Cảnh báo từ người đang cách ly").click()
    worker.get_by_role("heading", name="Theo dõi sức khỏe hằng ngày").wait_for()
    _checked(worker, "monitoring")
    quiet = worker.locator("li[id^=order-]", has=worker.get_by_role("link", name=F1S[1]))
    quiet.get_by_text("Nhập khai báo nhận qua điện thoại").click()
    quiet.get_by_label("Nhiệt độ (°C)").fill("36,5")
    quiet.get_by_label("ho", exact=True).check()
    _checked(worker, "monitoring-phone-report")
    quiet.get_by_role("button", name="Lưu khai báo").click()
    worker.get_by_text("Đã lưu khai báo.").wait_for()
    assert worker.locator("li[id^=order-]", has_text=F1S[1]).count() == 0  # reported today
    flag = worker.locator("li[id^=flag-]", has=worker.get_by_role("link", name=F2))
    flag.get_by_role("button", name="Đóng cảnh báo").click()
    worker.get_by_text("hãy ghi rõ đã làm gì").wait_for()
    _checked(worker, "monitoring-flag-refused")

    # 7. Time passes: the F2's fourteen days at home are over. The app's clock cannot move,
    # so the order's own dates move back by fifteen days instead; the release rule is not
    # touched.
    order = hanoi.scalar(select(IsolationOrder).where(IsolationOrder.person_id == ids[F2]))
    assert order is not None
    hanoi.refresh(order)
    shift = dt.timedelta(days=15)
    for column in ("last_exposure_on", "starts_on", "ends_on"):
        setattr(order, column, getattr(order, column) - shift)
    hanoi.commit()
    assert order.ends_on < today()

    # 8. the period is over, but the open flag stands in the way of the release
    page.goto("/isolation")
    assert page.get_by_role("heading", name="Hết thời gian cách ly: chờ cho kết thúc").is_visible()
    due = page.locator("#h-due + ul > li", has=page.get_by_role("link", name=F2))
    assert due.get_by_text("còn cảnh báo theo dõi sức khỏe chưa xử lý xong").is_visible()
    assert due.get_by_role("button", name="Kết thúc cách ly").count() == 0

    # 9. the worker closes the flag saying what was done
    flag = worker.locator("li[id^=flag-]", has=worker.get_by_role("link", name=F2))
    flag.get_by_label("Đã làm gì").fill("Đã gọi điện: bà Nga khỏe, quên khai báo")
    flag.get_by_role("button", name="Đóng cảnh báo").click()
    worker.get_by_text("Đã xử lý xong cảnh báo.").wait_for()
    assert worker.locator("li[id^=flag-]", has_text=F2).count() == 0
    _checked(worker, "monitoring-flag-closed")
    worker.context.close()

    # 10. the officer releases the order; the person is told by SMS
    page.reload()
    _checked(page, "isolation-to-release")
    due.get_by_role("button", name="Kết thúc cách ly").click()
    due.wait_for(state="detached")
    released = client.get(f"/api/v1/isolation/orders/{order.id}").json()
    assert released["status"] == "released"
    Worker(engine).run(once=True)
    assert "được kết thúc cách ly y tế từ ngày" in _sms_to(smsc, F2)[-1]
