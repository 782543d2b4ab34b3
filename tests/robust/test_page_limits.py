"""Issue 17 §2 on the web app: huge numbers, NUL bytes and control characters in a page's
path, query or form answer an error page (4xx), never a server error, and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.cases.models import Case
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from pagekit import Browser, csrf_of

HUGE = str(2**63)


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{HUGE}",
        f"/cases/{HUGE}",
        f"/clusters/{HUGE}",
        f"/isolation/orders/{HUGE}",
        f"/trace/{HUGE}",
        "/people?q=An%00",
        f"/cases/new?person={HUGE}",
        "/monitoring?page=1%07",
    ],
)
def test_pages_refuse_huge_numbers_and_control_characters(browser: Browser, url: str) -> None:
    client = browser("district_officer", "001")
    response = client.get(url, follow_redirects=False)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("full_name", "Nguyễn\x00An"),
        ("use_person", HUGE),
        ("person", HUGE),
        ("address", "12 ngõ\x1b5"),
        ("confirmed_on", "0001-01-01"),
        ("onset_on", "1999-12-31"),
    ],
)
def test_a_case_form_with_bad_input_changes_nothing(
    browser: Browser, hanoi: Session, field: str, typed: str
) -> None:
    client = browser("district_officer", "001")
    page = client.get("/cases/new").text
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    day = today() - dt.timedelta(days=1)
    form = {
        "csrf_token": csrf_of(page),
        "full_name": "Vũ Thị Mai",
        "sex": "female",
        "ward_id": str(ward),
        "address": "12 ngõ 5 Phúc Xá",
        "status": "confirmed",
        "confirmed_on": str(day),
        field: typed,
    }
    response = client.post("/cases/new", data=form, follow_redirects=False)
    assert response.status_code == 422, response.status_code
    hanoi.rollback()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 0
