"""Importing a line list with a bad row in a real browser: the progress page turns into the
list of problems by row and column, and nothing is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Account
from cordon.cases.models import Case

from .browsing import accessibility_problems, screenshot

PASSWORD = "correct horse battery staple"
LIST = (
    "case_code,full_name,birth_year,ward_code,status,confirmed_on\n"
    "BN1,Nguyễn Văn An,1980,00001,confirmed,2020-03-03\n"
    "BN2,Trần Thị Bình,1990,00001,confirmed,2020-13-45\n"
)


def test_a_bad_row_is_shown_by_row_and_column(
    page: Any, hanoi: Session, tmp_path: Any, account: Account
) -> None:
    account("cdc", "epidemiologist", "01", password=PASSWORD, display_name="CDC Hà Nội")
    page.goto("/imports")
    page.get_by_label("Tên đăng nhập").fill("cdc")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Nhập danh sách ca").wait_for()
    assert accessibility_problems(page) == []
    screenshot(page, "imports")

    csv = tmp_path / "ds-ca-benh.csv"
    csv.write_text(LIST, encoding="utf-8")
    page.get_by_label("Tệp (CSV hoặc XLSX)").set_input_files(str(csv))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    page.get_by_text("Không nhập gì cả").wait_for(timeout=15_000)
    row = page.get_by_role("row").filter(has_text="confirmed_on")
    assert row.get_by_role("cell").first.inner_text() == "3"
    assert accessibility_problems(page) == []
    screenshot(page, "import-problems")
    hanoi.expire_all()
    assert hanoi.scalar(select(func.count()).select_from(Case)) == 0
