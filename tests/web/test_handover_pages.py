"""Handing a contact over in the web app: from the person page of the sender's case to the
receiving ward's list, answered there; the sender reads the answer, never the name."""

from __future__ import annotations

import datetime as dt

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.access.models import User
from cordon.geography.models import AdminUnit
from pagekit import Browser, csrf_of


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def test_hand_over_answer_and_follow(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    case_person = make_person("Trần Văn Ca", ward_id=_ward(hanoi, "00001"))
    far = make_person("Phạm Thị Xa", ward_id=_ward(hanoi, "00037"))
    day = dt.date.today() - dt.timedelta(days=2)
    assert client.post(
        "/api/v1/exposures",
        json={
            "person_id": case_person,
            "contact_id": far,
            "first_on": str(day),
            "last_on": str(day),
            "setting": "workplace",
        },
    ).is_success
    sender = browser("ward_worker", "00001")
    page = sender.get(f"/people/{case_person}")
    assert "Chuyển giao cho phường/xã nơi họ ở" in page.text
    exposure = page.text.split('name="exposure_id" value="')[1].split('"')[0]
    sent = sender.post(
        "/handovers", data={"exposure_id": exposure, "csrf_token": csrf_of(page.text)}
    )
    assert sent.status_code == 200
    assert "Phạm Thị Xa" not in sent.text
    assert "chờ tiếp nhận" in sent.text  # open

    receiver = browser("ward_worker", "00037")
    inbox = receiver.get("/handovers")
    assert "Phạm Thị Xa" in inbox.text
    action = inbox.text.split('action="/handovers/')[1].split('"')[0]
    empty = receiver.post(
        f"/handovers/{action}", data={"status": "completed", "csrf_token": csrf_of(inbox.text)}
    )
    assert empty.status_code == 409 or empty.status_code == 422
    accepted = receiver.post(
        f"/handovers/{action}", data={"status": "accepted", "csrf_token": csrf_of(inbox.text)}
    )
    assert "đã tiếp nhận" in accepted.text
    done = receiver.post(
        f"/handovers/{action}",
        data={
            "status": "completed",
            "note": "đã gọi điện, cách ly tại nhà",
            "csrf_token": csrf_of(inbox.text),
        },
    )
    assert done.status_code == 200
    followed = sender.get("/handovers")
    assert "đã gọi điện, cách ly tại nhà" in followed.text
    assert "Phạm Thị Xa" not in followed.text
    assert browser("ward_worker", "00004").get("/handovers").text.count("/people/") == 0


def test_the_auditor_sees_who_looked_at_a_person(
    browser: Browser, hanoi: Session, make_person: MakePerson
) -> None:
    person = make_person("Vũ Thị Xem", ward_id=_ward(hanoi, "00001"))
    worker = browser("ward_worker", "00001")
    assert worker.get(f"/people/{person}").status_code == 200
    assert worker.get("/audit").status_code == 403
    auditor = browser("auditor", "01")
    enrol = auditor.get("/audit")  # the role needs two-factor: enrolment first
    assert "<svg" in enrol.text
    hanoi.expire_all()
    secret = hanoi.scalars(select(User.totp_secret).where(User.username == "auditor-01")).one()
    assert secret is not None
    auditor.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(enrol.text)},
    )
    page = auditor.get("/audit", params={"person": person})
    assert page.status_code == 200
    assert "ward_worker-00001" in page.text
    assert "Vũ Thị Xem" not in page.text  # the auditor reads the log, not the registry


def test_the_senders_list_shows_the_ward_and_their_own_record(
    browser: Browser, client: TestClient, hanoi: Session, make_person: MakePerson
) -> None:
    case_person = make_person("Trần Văn Ca", ward_id=_ward(hanoi, "00001"))
    far = make_person("Phạm Thị Xa", ward_id=_ward(hanoi, "00037"))
    day = dt.date(2026, 11, 30)
    exposure = {"person_id": case_person, "contact_id": far, "first_on": str(day)}
    made = client.post(
        "/api/v1/exposures", json={**exposure, "last_on": str(day), "setting": "workplace"}
    )
    assert made.is_success, made.text
    sender = browser("ward_worker", "00001", lang="en")
    page = sender.get(f"/people/{case_person}")
    sent = sender.post(
        "/handovers", data={"exposure_id": made.json()["id"], "csrf_token": csrf_of(page.text)}
    )
    assert sent.status_code == 200
    outgoing = sent.text.split('id="h-out"')[1]
    target = hanoi.get_one(AdminUnit, _ward(hanoi, "00037"))
    assert f"A contact in {target.kind} {target.name}" in outgoing
    assert f'<a href="/people/{case_person}">Trần Văn Ca</a>' in outgoing
    assert "workplace · Nov 30, 2026" in outgoing
    assert "Phạm Thị Xa" not in outgoing
