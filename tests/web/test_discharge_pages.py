"""The discharge on the case page: the readiness said in the user's language, the form for
those who may change cases, its refusals next to their fields, and a discharge that starts the
home monitoring."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases import lab
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus, TestMethod, TestResult
from cordon.cases.models import Case
from cordon.core import rulesets
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from cordon.isolation.models import IsolationOrder
from cordon.people.bulk import PersonRow, insert_people
from pagekit import Browser, csrf_of

OFFICER = ("district_officer", "001")  # Ba Đình, where Phúc Xá (00001) is


def _days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def _case(session: Session, sampled_days_ago: int, *negatives: int) -> Case:
    """A confirmed case in Phúc Xá with negative PCR tests taken that many days ago."""
    ward = session.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    (person,) = insert_people(session, [PersonRow(full_name="Phan Thị Thu", ward_id=ward)])
    case = cases.create_case(
        session,
        person_id=person,
        status=CaseStatus.confirmed,
        code="BN42",
        created_by="test",
        sample_on=_days(-sampled_days_ago),
        confirmed_on=_days(-sampled_days_ago + 1),
    )
    for ago in negatives:
        day = _days(-ago)
        lab.add_lab_test(
            session,
            case.id,
            lab.LabReport(
                method=TestMethod.pcr,
                sample_taken_on=day,
                result=TestResult.negative,
                result_on=day,
            ),
        )
    session.commit()
    return case


def _error(page: str, name: str) -> str:
    marker = f'<p id="e-{name}" class="error" role="alert">'
    assert marker in page, name
    return page.split(marker)[1].split("</p>")[0]


def _orders(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(IsolationOrder)) or 0


def test_the_page_says_what_stands_in_the_way_and_refuses_an_early_discharge(
    browser: Browser, hanoi: Session
) -> None:
    case = _case(hanoi, 5)
    officer = browser(*OFFICER)
    page = officer.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert "Ra viện" in page.text
    assert "3416/QĐ-BYT" in page.text
    assert "Chưa đủ điều kiện ra viện:" in page.text
    assert "mới là ngày thứ 5 kể từ" in page.text
    assert "cần 2 lần xét nghiệm PCR âm tính liên tiếp" in page.text
    assert f'action="/cases/{case.id}/discharge"' in page.text
    refused = officer.post(
        f"/cases/{case.id}/discharge",
        data={"csrf_token": csrf_of(page.text), "version": str(case.version)},
    )
    assert refused.status_code == 409
    assert _error(refused.text, "discharge") == "Ca bệnh BN42 chưa đạt tiêu chuẩn ra viện " + (
        "vn-discharge-2021-07."
    )
    assert _error(refused.text, "symptom_free").startswith("hãy xác nhận người bệnh")
    assert _orders(hanoi) == 0


def test_a_discharge_from_the_page_needs_the_symptoms_confirmed(
    browser: Browser, hanoi: Session
) -> None:
    case = _case(hanoi, 11, 1, 0)
    officer = browser(*OFFICER)
    page = officer.get(f"/cases/{case.id}")
    assert "Người bệnh đã đạt tiêu chuẩn ra viện." in page.text
    data = {"csrf_token": csrf_of(page.text), "version": str(case.version)}
    unsaid = officer.post(f"/cases/{case.id}/discharge", data=data)
    assert unsaid.status_code == 422
    assert _error(unsaid.text, "symptom_free").startswith("hãy xác nhận người bệnh")
    assert 'aria-describedby="e-symptom_free"' in unsaid.text
    done = officer.post(
        f"/cases/{case.id}/discharge", data={**data, "symptom_free": "1"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    after = officer.get(done.headers["location"])
    assert "đã khỏi" in after.text
    assert 'id="h-discharge"' not in after.text  # a recovered case is not discharged again
    assert _orders(hanoi) == 1
    again = officer.post(f"/cases/{case.id}/discharge", data={**data, "symptom_free": "1"})
    assert again.status_code == 409  # the form of another tab: said, though the form is gone
    assert "người khác vừa thay đổi" in _error(again.text, "discharge")
    assert _orders(hanoi) == 1


def test_who_may_not_change_cases_sees_the_readiness_without_the_form(
    browser: Browser, hanoi: Session
) -> None:
    case = _case(hanoi, 11, 1, 0)
    worker = browser("ward_worker", "00001", lang="en")
    page = worker.get(f"/cases/{case.id}")
    assert "The discharge rule is met." in page.text
    assert f'action="/cases/{case.id}/discharge"' not in page.text
    posted = worker.post(
        f"/cases/{case.id}/discharge",
        data={"csrf_token": csrf_of(page.text), "version": "1", "symptom_free": "1"},
    )
    assert posted.status_code == 403
    assert _orders(hanoi) == 0


def test_an_unreadable_rules_file_is_said_and_the_page_still_shows(
    browser: Browser, hanoi: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case(hanoi, 5)
    broken = tmp_path / "discharge.toml"
    broken.write_text('[[rule]]\nid = "hn"\n', encoding="utf-8")
    monkeypatch.setattr(get_settings(), "discharge_file", broken)
    rulesets.clear()
    try:
        page = browser(*OFFICER).get(f"/cases/{case.id}")
    finally:
        rulesets.clear()
    assert page.status_code == 200
    assert (
        "Không đọc được tệp tiêu chuẩn ra viện: discharge.toml, rule 1, effective_from: còn thiếu"
        in page.text
    )
    assert f'action="/cases/{case.id}/discharge"' not in page.text
