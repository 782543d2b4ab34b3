"""Tracing in a real browser at phone width, as a district health officer does it: register
a confirmed case of a new person, enter their household of three in one form (one more row
added with htmx), see the three as F1; add a contact of one of them (an F2); register that
F1 as a confirmed case and see the tiers move — that person now F0, their contact F1; then
call one of the F1s from *my work today* and see them leave the list.
Every new page: screenshot, no WCAG 2.1 AA violation found by axe-core, nothing wider than
the phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from conftest import Account, MakePerson
from cordon.access.models import User
from cordon.core.dates import today
from cordon.geography.models import AdminUnit

from .browsing import accessibility_problems, screenshot

PASSWORD = "correct horse battery staple"
HOUSEHOLD = (("Bùi Thị Hạnh", "1984"), ("Bùi Văn Nam", "2012"), ("Bùi Thị Ngọc", "1956"))


def _officer(account: Account) -> None:
    account("hoa", "district_officer", "001", password=PASSWORD, display_name="Trần Thu Hoa")


def _checked(page: Any, name: str) -> None:
    screenshot(page, name)
    assert accessibility_problems(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def _tier_of_contact(page: Any, name: str) -> str:
    row = page.locator("#h-contacts + ul li", has=page.get_by_role("link", name=name, exact=True))
    return str(row.locator(".tier").inner_text())


def test_register_a_case_enter_the_household_and_see_the_tiers_move(
    page: Any, hanoi: Session, account: Account
) -> None:
    _officer(account)
    day = today().isoformat()
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mật khẩu").press("Enter")
    page.get_by_role("heading", name="Việc của tôi hôm nay").wait_for()

    # 1. a confirmed case of a new person
    page.get_by_role("link", name="Đăng ký ca bệnh").click()
    page.get_by_role("heading", name="Đăng ký ca bệnh").wait_for()
    page.get_by_label("Họ và tên").fill("Bùi Văn Hùng")
    page.get_by_label("Điện thoại").fill("0912 000 111")
    page.get_by_label("Năm sinh").fill("khoảng 1980")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Phường/xã").select_option(label="Phúc Xá")
    page.get_by_label("Địa chỉ").fill("15 ngõ 3 Phúc Xá")
    page.get_by_role("radio", name="đã xác nhận").check()
    page.get_by_label("Ngày xác nhận").fill(day)
    page.get_by_role("button", name="Đăng ký ca bệnh này").click()
    # rejected: the error next to its field, everything typed still there
    page.get_by_text("Hãy nhập năm từ 1900 đến năm nay.").wait_for()
    assert page.get_by_label("Họ và tên").input_value() == "Bùi Văn Hùng"
    assert page.get_by_label("Ngày xác nhận").input_value() == day
    _checked(page, "case-new-rejected")
    page.get_by_label("Năm sinh").fill("1980")
    _checked(page, "case-new")
    page.get_by_role("button", name="Đăng ký ca bệnh này").click()
    page.wait_for_url("**/cases/*")
    assert "Hung" not in page.url  # ids only in URLs
    assert page.get_by_role("link", name="Bùi Văn Hùng").is_visible()
    _checked(page, "case")

    # 2. the household in one form: three rows filled, one more added with htmx
    page.get_by_role("link", name="Thêm người tiếp xúc").click()
    page.get_by_role("heading", name="Thêm người tiếp xúc").wait_for()
    assert page.locator("fieldset.contact-row").count() == 4
    page.get_by_role("button", name="Thêm một dòng").click()
    page.locator("#f-c-4-full_name").wait_for()
    assert page.locator("fieldset.contact-row").count() == 5
    page.wait_for_function("document.activeElement.id === 'f-c-4-full_name'")  # focus follows
    for row, (name, year) in enumerate(HOUSEHOLD):
        page.locator(f"#f-c-{row}-full_name").fill(name)
        page.locator(f"#f-c-{row}-birth_year").fill(year)
    _checked(page, "contacts")
    page.get_by_role("button", name="Lưu danh sách tiếp xúc").click()
    page.get_by_role("heading", name="Bùi Văn Hùng").wait_for()
    for name, _ in HOUSEHOLD:
        assert _tier_of_contact(page, name) == "F1", name
    _checked(page, "person-with-household")

    # 3. a contact of the son, typed with the keyboard alone: an F2
    page.get_by_role("link", name="Bùi Văn Nam", exact=True).click()
    page.get_by_role("heading", name="Bùi Văn Nam").wait_for()
    page.get_by_role("link", name="Thêm người tiếp xúc").click()
    page.locator("#f-c-1-full_name").fill("Bùi Văn Hùng")  # the father, typed again
    page.locator("#f-c-1-phone").fill("0912000111")
    page.locator("#f-c-1-birth_year").fill("1980")
    page.locator("#f-c-0-full_name").focus()
    page.keyboard.type("Lê Minh Khoa")
    page.keyboard.press("Tab")  # phone
    page.keyboard.press("Tab")  # birth year
    page.keyboard.type("2012")
    page.keyboard.press("Tab")  # ward
    page.keyboard.press("Tab")  # setting
    page.keyboard.press("ArrowDown")  # workplace
    page.keyboard.press("ArrowDown")  # school
    page.keyboard.press("Shift+Tab")  # back to the ward
    page.keyboard.press("Shift+Tab")  # and the birth year
    page.keyboard.press("Enter")  # the form is sent with its first button: save
    # the father is registered already: said on his row, nothing saved yet
    page.get_by_role("radio", name="Dùng Bùi Văn Hùng (1980)").wait_for()
    _checked(page, "contacts-duplicate")
    for field in ("full_name", "phone", "birth_year"):  # an emptied row is left out
        page.locator(f"#f-c-1-{field}").fill("")
    page.get_by_role("button", name="Lưu danh sách tiếp xúc").click()
    page.get_by_role("heading", name="Bùi Văn Nam").wait_for()
    assert _tier_of_contact(page, "Lê Minh Khoa") == "F2"
    assert page.get_by_text("trường học").is_visible()

    # 4. the son is confirmed: he becomes F0 and his classmate F1
    page.get_by_role("link", name="Đăng ký là ca bệnh").click()
    page.get_by_role("heading", name="Đăng ký ca bệnh").wait_for()
    assert page.get_by_role("link", name="Bùi Văn Nam").is_visible()
    page.get_by_role("radio", name="đã xác nhận").check()
    page.get_by_label("Ngày xác nhận").fill(day)
    _checked(page, "case-new-registered-person")
    page.get_by_role("button", name="Đăng ký ca bệnh này").click()
    page.wait_for_url("**/cases/*")
    page.get_by_role("link", name="Bùi Văn Nam").click()
    page.get_by_role("heading", name="Bùi Văn Nam").wait_for()
    assert page.locator("h1 .tier").inner_text() == "F0"
    assert _tier_of_contact(page, "Lê Minh Khoa") == "F1"
    assert not page.get_by_role("link", name="Đăng ký là ca bệnh").is_visible()
    _checked(page, "person-now-f0")

    # 5. my work today: the F1s are still to reach; the mother is called and reached
    page.goto("/")
    waiting = page.locator("#h-waiting + ol")
    for name in ("Bùi Thị Hạnh", "Lê Minh Khoa"):
        assert waiting.get_by_role("link", name=name).is_visible(), name
    _checked(page, "home-to-reach")
    waiting.get_by_role("link", name="Bùi Thị Hạnh").click()
    page.get_by_role("heading", name="Liên hệ với người này").wait_for()
    page.get_by_role("radio", name="gọi điện").check()
    page.get_by_role("radio", name="đã liên hệ được").check()
    page.get_by_label("Ghi chú").fill("Đã hướng dẫn cách ly tại nhà")
    _checked(page, "person-reach")
    page.get_by_role("button", name="Ghi nhận lần liên hệ").click()
    page.get_by_text("Đã hướng dẫn cách ly tại nhà").wait_for()
    page.goto("/")
    assert page.locator("#h-waiting + ol").get_by_role("link", name="Bùi Thị Hạnh").count() == 0
    assert page.locator("#h-waiting + ol").get_by_role("link", name="Lê Minh Khoa").is_visible()


def test_a_positive_pcr_confirms_the_case_and_the_status_moves_on(
    page: Any, hanoi: Session, client: Any, make_person: MakePerson, account: Account
) -> None:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    person = make_person("Đoàn Thị Thu", ward_id=ward)
    made = client.post("/api/v1/cases", json={"person_id": person, "status": "suspected"})
    case_id = made.json()["id"]
    _officer(account)
    users = User.__table__
    assert isinstance(users, Table)  # updated as a table, past the ORM
    hanoi.execute(users.update().where(User.username == "hoa").values(role="epidemiologist"))
    hanoi.commit()
    day = today().isoformat()
    page.goto(f"/cases/{case_id}")
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mật khẩu").press("Enter")
    page.get_by_role("heading", name="Ca bệnh").first.wait_for()
    assert page.url.endswith(f"/cases/{case_id}")  # back where the sign-in began
    _checked(page, "case-suspected")

    page.get_by_label("Kết quả", exact=True).select_option("positive")
    page.get_by_label("Ngày có kết quả", exact=True).fill(day)
    page.get_by_label("Giá trị Ct").fill("24,5")
    page.get_by_label("PCR dương tính: xác nhận ca bệnh vào ngày có kết quả").check()
    page.get_by_role("button", name="Lưu xét nghiệm").click()
    page.get_by_text("Ct 24,5").wait_for()
    assert page.locator("h1 .status").inner_text() == "đã xác nhận"

    page.get_by_label("Tình trạng mới").select_option("recovered")
    page.get_by_label("Lý do").fill("Xét nghiệm âm tính, ra viện")
    page.get_by_role("button", name="Đổi tình trạng").click()
    page.get_by_text("Xét nghiệm âm tính, ra viện").wait_for()
    assert page.locator("h1 .status").inner_text() == "đã khỏi"
    assert page.get_by_role("button", name="Đổi tình trạng").count() == 0  # final
    _checked(page, "case-recovered")
