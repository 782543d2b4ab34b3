"""The scenario planner in a real browser on a phone: an analyst pastes a tiny scenario,
starts it, watches its progress and sees the chart of its median in its 90% interval — the
page accessible before and after, and usable at 360 px."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from conftest import Account

from .browsing import accessibility_problems, screenshot

PASSWORD = "correct horse battery staple"
TINY = """name = "Thử nghiệm: truy vết F1"
days = 30
runs = 2
seed = 7

[population]
agents = 2000

[seeding]
infected = 10

[[measures]]
kind = "test_trace_isolate"
depth = 1
"""


def test_a_run_started_on_the_page_ends_with_its_chart(
    page: Any, hanoi: Session, account: Account
) -> None:
    account("phan-tich", "analyst", "01", password=PASSWORD, display_name="Phân tích")
    page.goto("/scenarios")
    page.get_by_label("Tên đăng nhập").fill("phan-tich")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Kịch bản", exact=True).wait_for()
    assert accessibility_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    screenshot(page, "scenarios")

    page.get_by_label("Tệp kịch bản (TOML), được chạy thay cho kịch bản mẫu").fill(TINY)
    page.get_by_role("button", name="Chạy kịch bản").click()
    page.get_by_role("heading", name="Các lượt chạy đã chọn").wait_for()
    chart = page.locator("#chart-confirmed")
    chart.wait_for(timeout=240_000)  # htmx reloads the progress until the run is done
    assert page.get_by_text("Lượt chạy không thành công").count() == 0
    assert "Ca xác nhận mới mỗi ngày" in (chart.locator("title").first.text_content() or "")
    assert page.locator("#chart-confirmed [data-role=median]").count() >= 1
    assert page.get_by_role("table").get_by_text("Tổng số ca nhiễm").count() == 1
    assert page.locator("#runs .tag").first.inner_text() == "xong"  # the list follows too
    assert accessibility_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "scenario-run")
