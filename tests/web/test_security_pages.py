"""The web app against a hostile page: no change without the CSRF token (the language too),
and the headers that keep the pages out of frames and scripts out of the pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import User
from pagekit import Browser, csrf_of


def test_the_language_of_an_account_is_not_changed_from_another_site(
    browser: Browser, hanoi: Session
) -> None:
    client = browser(lang="en")
    home = client.get("/")
    forged = client.post("/language", data={"lang": "vi", "next": "/"})
    assert forged.status_code == 403
    wrong = client.post("/language", data={"lang": "vi", "next": "/", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    hanoi.expire_all()
    assert hanoi.scalar(select(User.language).where(User.username == "ward_worker-00001")) == "en"
    assert "My work today" in client.get("/").text
    fair = client.post(
        "/language", data={"lang": "vi", "next": "/", "csrf_token": csrf_of(home.text)}
    )
    assert "Việc của tôi hôm nay" in fair.text


def test_the_language_can_be_chosen_before_signing_in(anonymous: object) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(anonymous, TestClient)
    chosen = anonymous.post("/language", data={"lang": "en", "next": "/sign-in"})
    assert chosen.status_code == 200
    assert "Sign in" in chosen.text
