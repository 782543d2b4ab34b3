"""The public dashboard in a real browser at phone width, in both languages, without signing
in: the first wave's figures, nothing wider than the phone, no WCAG 2.1 AA violation found by
axe-core."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cordon.demo.vietnam import load_vietnam_2020
from cordon.public.served import forget

from .browsing import accessibility_problems, screenshot


def test_the_public_dashboard_at_phone_width(
    chromium: Any, live_server: str, session: Session
) -> None:
    load_vietnam_2020(session)
    session.commit()
    forget()
    for locale, said in (("vi-VN", "48 ngày"), ("en-GB", "48 days")):
        context = chromium.new_context(
            base_url=live_server, viewport={"width": 360, "height": 740}, locale=locale
        )
        page = context.new_page()
        page.goto("/public?on=2020-06-02")
        assert said in page.inner_text("main")
        screenshot(page, f"public-dashboard-{locale}")
        assert accessibility_problems(page) == [], locale
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, locale
        context.close()
