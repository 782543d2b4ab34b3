"""On a 360-px phone the navigation folds behind a Menu button (static/js/menu.js): the
header takes a single line on every page instead of a quarter of the screen; the button
opens and closes the menu (and Escape closes it); the case list is one tap away."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from conftest import Account
from pagekit import PASSWORD

from .browsing import accessibility_problems, screenshot

SCREEN = 740


def _sign_in(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_label("Tên đăng nhập").fill("tracer")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Việc của tôi hôm nay").wait_for()


def _header_share(page: Any) -> float:
    return float(page.evaluate("document.querySelector('header.bar').offsetHeight")) / SCREEN


def test_the_menu_button_folds_the_navigation_on_a_phone(
    page: Any, hanoi: Session, account: Account
) -> None:
    account("tracer", "epidemiologist", "01", password=PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _sign_in(page)
    for path in ("/", "/cases", "/contacts", "/tracing", "/exports"):
        page.goto(path)
        assert _header_share(page) < 0.12, path  # one line: the brand and the button
        assert not page.get_by_role("link", name="Ca bệnh", exact=True).is_visible()
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    screenshot(page, "menu-folded")

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_label("Ngôn ngữ").is_visible()
    screenshot(page, "menu-open")
    assert accessibility_problems(page) == []
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="Ca bệnh", exact=True).is_visible()

    menu.click()
    page.get_by_role("link", name="Ca bệnh", exact=True).click()
    page.get_by_role("heading", name="Ca bệnh").wait_for()
    assert page.url.endswith("/cases")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []


def test_a_wide_screen_shows_the_navigation_without_the_button(
    page: Any, hanoi: Session, account: Account
) -> None:
    account("tracer", "epidemiologist", "01", password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page)
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("link", name="Ca bệnh", exact=True).is_visible()
