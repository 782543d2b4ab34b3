"""The live demo outbreak walked in a real browser, as the ward health worker of Phúc Xá
would on their first minute: sign in, find today's case in the case list, filtered, see the
proposed orders of its contacts, confirm one, enter that person's daily report with a fever,
see the flag.

The demo is loaded by ``demo.live_outbreak.load_live_outbreak`` (what ``make run`` runs),
under the city's regime file it writes; the demo accounts are made first with a known
password so the browser can sign in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Account
from cordon.cases.models import Case
from cordon.core import rulesets
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.demo.live_outbreak import load_live_outbreak
from cordon.demo.users import create_demo_users
from cordon.geography.models import AdminUnit
from cordon.isolation.enums import OrderStatus
from cordon.isolation.models import IsolationOrder
from cordon.people.models import Person
from pagekit import PASSWORD

from .browsing import screenshot


@pytest.fixture
def live_demo(
    hanoi: Session, account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Session]:
    monkeypatch.setattr(get_settings(), "regime_file", None)
    account("phucxa", "ward_worker", "00001", password=PASSWORD, display_name="Vũ Thị Lan")
    account("badinh", "district_officer", "001", password=PASSWORD)
    account("facility", "facility_manager", "01", password=PASSWORD)
    create_demo_users(hanoi)  # the other roles
    load_live_outbreak(hanoi, regime_file=tmp_path / "regimes.toml")
    hanoi.commit()
    yield hanoi
    rulesets.clear()


def _sign_in(page: Any, path: str, username: str) -> None:
    page.goto(path)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mật khẩu").press("Enter")
    page.wait_for_url(f"**{path}")


def test_the_ward_worker_confirms_an_order_and_sees_a_fever_flagged(
    page: Any, live_demo: Session
) -> None:
    s = live_demo
    phuc_xa = s.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    case = s.scalar(
        select(Case).where(Case.ward_id == phuc_xa, Case.confirmed_on == today()).limit(1)
    )
    assert case is not None
    proposed = s.scalar(
        select(Person.full_name)
        .join(IsolationOrder, IsolationOrder.person_id == Person.id)
        .where(
            IsolationOrder.status == OrderStatus.proposed,
            IsolationOrder.ward_id == phuc_xa,
            IsolationOrder.starts_on <= today(),  # met yesterday: isolated from today
        )
        .order_by(IsolationOrder.id)
        .limit(1)
    )
    assert proposed is not None

    # 1. sign in as the ward health worker of Phúc Xá
    _sign_in(page, "/isolation", "phucxa")

    # 2. the case list, filtered to the cases of Phúc Xá confirmed today; the case opened
    page.get_by_role("button", name="Menu").click()  # a phone: the navigation is folded
    page.get_by_role("link", name="Ca bệnh", exact=True).first.click()
    page.wait_for_url("**/cases")
    page.get_by_text("Bộ lọc", exact=True).click()
    page.locator("#f-unit").select_option(str(phuc_xa))
    page.locator("#f-confirmed_from").fill(today().isoformat())
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/cases?*")
    listed_cases = page.locator("table.list-table tbody tr")
    assert listed_cases.count() >= 1
    assert listed_cases.get_by_role("link", name=case.code).first.is_visible()
    screenshot(page, "live-demo-case-list")
    listed_cases.get_by_role("link", name=case.code).first.click()
    page.get_by_role("heading", name=case.code).first.wait_for()
    screenshot(page, "live-demo-case")

    # 3. the proposed orders of today's contacts: confirm one
    page.goto("/isolation")
    listed = page.locator("#h-proposed + ul")
    assert listed.get_by_role("link", name=proposed).first.is_visible()
    row = page.locator("#h-proposed + ul > li", has=page.get_by_role("link", name=proposed))
    row.first.get_by_role("button", name="Xác nhận").click()
    page.locator("#h-confirmed + ul").get_by_role("link", name=proposed).first.wait_for()
    screenshot(page, "live-demo-confirmed")

    # 4. that person's daily report, taken by phone: a fever
    page.goto("/monitoring")
    quiet = page.locator("li[id^=order-]", has=page.get_by_role("link", name=proposed))
    quiet.first.get_by_text("Nhập khai báo nhận qua điện thoại").click()
    quiet.first.get_by_label("Nhiệt độ (°C)").fill("38,6")
    quiet.first.get_by_role("button", name="Lưu khai báo").click()
    page.get_by_text("Đã lưu khai báo.").wait_for()

    # 5. the flag is on the worker's list
    flag = page.locator("li[id^=flag-]", has=page.get_by_role("link", name=proposed))
    assert flag.first.is_visible()
    screenshot(page, "live-demo-flag")
