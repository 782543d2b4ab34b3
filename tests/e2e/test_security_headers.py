"""The pages under their Content-Security-Policy in a real browser: every main page (and the
chain of transmission drawn with WebGL) loads without one violation or console error, the
language select still submits itself, and every answer carries the security headers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Account, MakePerson
from cordon.geography.models import AdminUnit

PASSWORD = "correct horse battery staple"
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


def _world(
    hanoi: Session, client: TestClient, make_person: MakePerson, account: Account
) -> dict[str, int]:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == "00001"))
    account("lan", "epidemiologist", "01", password=PASSWORD, display_name="Lê Thị Lan")
    person = make_person("Nguyễn Văn An", ward_id=ward)
    case = client.post(
        "/api/v1/cases",
        json={
            "person_id": person,
            "code": "HN-1",
            "status": "confirmed",
            "confirmed_on": "2020-03-06",
        },
    )
    assert case.is_success, case.text
    return {"person": person, "case": case.json()["id"]}


def test_main_pages_keep_to_their_content_security_policy(
    chromium: Any,
    live_server: str,
    hanoi: Session,
    client: TestClient,
    make_person: MakePerson,
    account: Account,
) -> None:
    world = _world(hanoi, client, make_person, account)
    context = chromium.new_context(base_url=live_server, locale="vi-VN")  # CSP enforced
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    signed_in = page.goto("/sign-in")
    assert signed_in is not None
    for name in HEADERS:
        assert name in signed_in.headers, name
    assert "frame-ancestors 'none'" in signed_in.headers["content-security-policy"]
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Việc của tôi hôm nay").wait_for()
    pages = [
        "/",
        "/people",
        f"/people/{world['person']}",
        f"/people/{world['person']}/trace",
        f"/cases/{world['case']}",
        f"/cases/{world['case']}/chain",
        "/tracing",
        "/isolation",
        "/monitoring",
        "/clusters",
        "/handovers",
        "/exports",
        "/public",
    ]
    for path in pages:
        answer = page.goto(path)
        assert answer is not None, path
        assert answer.ok, path
        assert answer.headers["x-content-type-options"] == "nosniff", path
        page.wait_for_load_state("networkidle")
    page.goto(f"/cases/{world['case']}/chain")
    page.locator("#chain-graph[data-drawn=true]").wait_for(timeout=20_000)
    # the language select submits its form from the page's own script file
    page.goto("/")
    page.select_option("#lang", "en")
    page.get_by_role("heading", name="My work today").wait_for()
    # the browser's own request for /favicon.ico is the only resource allowed to be missing
    assert [u for u in missing if not u.endswith("/favicon.ico")] == []
    assert [p for p in problems if "404" not in p] == []
    context.close()
