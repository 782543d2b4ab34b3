"""Reaching contacts in the web app: *my work today* lists the contacts still to reach and
the people whose tier changed today; the person page records an attempt, keeps what was
typed when it is rejected, and the contact leaves the list once reached."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser, csrf_of


def _day() -> dt.date:
    """The day of the story: 2 days before the day the test runs, in the city."""
    return today() - dt.timedelta(days=2)


def test_reach_a_contact_from_my_work_today(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    f0 = make_person("Trần Văn Ca", ward_id=ward)
    f1 = make_person("Đỗ Thị Gần", ward_id=ward)
    day = {"first_on": str(_day()), "last_on": str(_day()), "setting": "household"}
    assert client.post("/api/v1/exposures", json={"person_id": f0, "contact_id": f1, **day})
    body = {"person_id": f0, "status": "confirmed", "confirmed_on": str(_day())}
    assert client.post("/api/v1/cases", json=body).status_code == 201

    worker = browser("ward_worker", "00001")
    home = worker.get("/")
    waiting = home.text.split('id="h-waiting"')[1].split("</section>")[0]
    assert "Đỗ Thị Gần" in waiting
    assert "Trần Văn Ca" not in waiting
    moved = home.text.split('id="h-moved"')[1].split("</section>")[0]
    assert "Đỗ Thị Gần" in moved
    assert "Trần Văn Ca" in moved

    page = worker.get(f"/people/{f1}")
    assert "Liên hệ với người này" in page.text
    rejected = worker.post(
        f"/people/{f1}/reach",
        data={"channel": "phone", "note": "gọi lại sau", "csrf_token": csrf_of(page.text)},
    )
    assert rejected.status_code == 422
    assert "Hãy chọn kết quả liên hệ." in rejected.text
    assert 'value="phone" checked' in rejected.text  # what was typed is kept
    assert "gọi lại sau" in rejected.text

    done = worker.post(
        f"/people/{f1}/reach",
        data={"channel": "phone", "outcome": "reached", "csrf_token": csrf_of(page.text)},
    )
    assert done.status_code == 200  # followed to the person page
    assert "đã liên hệ được" in done.text
    after = worker.get("/").text.split('id="h-waiting"')[1].split("</section>")[0]
    assert "Đỗ Thị Gần" not in after
    assert "Không còn ai chờ liên hệ." in after
    listing = worker.get("/tracing/to-reach")
    assert listing.status_code == 200
    assert "Đỗ Thị Gần" not in listing.text


def test_a_role_that_only_reads_sees_no_attempt_form(
    browser: Browser, client: TestClient, make_person: MakePerson
) -> None:
    f0, f1 = make_person("Ca Bệnh"), make_person("Người Gần")
    day = {"first_on": str(_day()), "last_on": str(_day()), "setting": "household"}
    assert client.post("/api/v1/exposures", json={"person_id": f0, "contact_id": f1, **day})
    body = {"person_id": f0, "status": "confirmed", "confirmed_on": str(_day())}
    assert client.post("/api/v1/cases", json=body).status_code == 201
    manager = browser("analyst", "01")
    page = manager.get(f"/people/{f1}")
    assert page.status_code == 200
    assert f'action="/people/{f1}/reach"' not in page.text
    assert (
        manager.post(f"/people/{f1}/reach", data={"csrf_token": csrf_of(page.text)}).status_code
        == 403
    )
