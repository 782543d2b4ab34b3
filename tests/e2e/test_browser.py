"""The main flows in a real browser at phone width: sign in, find a person without typing
the accents, open their page and see their tier; in Vietnamese and English; keyboard only;
no WCAG 2.1 AA violation found by axe-core on these pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Account, MakePerson
from cordon.geography.models import AdminUnit
from pagekit import PASSWORD

from .browsing import accessibility_problems, screenshot


def _registry(
    session: Session, client: TestClient, make_person: MakePerson, account: Account
) -> tuple[int, int]:
    ward = session.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    account("lan", "ward_worker", "00001", password=PASSWORD, display_name="Nguyễn Thị Lan")
    case_person = make_person("Đặng Văn Sơn", ward_id=ward)
    contact = make_person("Đỗ Thị Hương", ward_id=ward)
    day = dt.date.today() - dt.timedelta(days=1)
    assert client.post(
        "/api/v1/cases",
        json={"person_id": case_person, "status": "confirmed", "confirmed_on": str(day)},
    ).is_success
    assert client.post(
        "/api/v1/exposures",
        json={
            "person_id": case_person,
            "contact_id": contact,
            "first_on": str(day - dt.timedelta(days=2)),
            "last_on": str(day - dt.timedelta(days=2)),
            "setting": "household",
        },
    ).is_success
    return case_person, contact


def _sign_in(page: Any) -> None:
    page.goto("/")
    assert "/sign-in" in page.url
    # keyboard only: the fields are reached with Tab and the form sent with Enter
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type("lan")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Việc của tôi hôm nay").wait_for()


def test_sign_in_search_and_person_page(
    page: Any, hanoi: Session, client: TestClient, make_person: MakePerson, account: Account
) -> None:
    _, contact = _registry(hanoi, client, make_person, account)
    page.goto("/sign-in")
    screenshot(page, "sign-in")
    assert accessibility_problems(page) == []
    _sign_in(page)
    assert page.get_by_role("heading", name="Việc của tôi hôm nay").is_visible()
    confirmed = page.locator("#h-confirmed + ul")
    assert confirmed.get_by_role("link", name="Đặng Văn Sơn").is_visible()  # confirmed yesterday
    screenshot(page, "home")
    assert accessibility_problems(page) == []

    page.get_by_role("button", name="Menu").click()  # the navigation folds on a phone
    page.get_by_role("link", name="Người", exact=True).click()
    page.get_by_label("Họ tên").fill("do thi huong")  # no accents typed
    page.get_by_role("button", name="Tìm").click()
    result = page.get_by_role("link", name="Đỗ Thị Hương")
    result.wait_for()
    assert "huong" not in page.url  # the name never travels in the URL
    screenshot(page, "search")
    assert accessibility_problems(page) == []

    result.click()
    page.wait_for_url(f"**/people/{contact}")
    assert page.get_by_text("F1", exact=True).is_visible()
    assert page.get_by_text("hộ gia đình").is_visible()
    screenshot(page, "person")
    assert accessibility_problems(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than a phone

    page.get_by_role("button", name="Menu").click()
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("heading", name="Tier and why").wait_for()
    assert page.get_by_text("household").is_visible()
    screenshot(page, "person-en")
