"""New passwords are checked as OWASP ASVS 2.1 asks: 12 to 128 characters, and not common,
not a pattern, not the user's own names (the zxcvbn estimator)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import service
from cordon.access.models import User
from pagekit import Browser, csrf_of


def _first_sign_in(client: TestClient, hanoi: Session) -> tuple[dict[str, str], str]:
    _, password = service.create_user(
        hanoi,
        username="minhtran",
        display_name="Trần Minh",
        role_key="epidemiologist",
        unit_code="01",
    )
    hanoi.commit()
    signed = client.post(
        "/api/v1/auth/sign-in", json={"username": "minhtran", "password": password}
    )
    return {"X-CSRF-Token": signed.json()["csrf_token"]}, password


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop12", "too easy to guess"),
        ("minhtran2020!", "too easy to guess"),  # the username and a year
        ("short one", "at least 12"),
        ("x" * 60 + " " + "y" * 70, "at most 128"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(
    anonymous: TestClient, hanoi: Session, new: str, why: str
) -> None:
    csrf, password = _first_sign_in(anonymous, hanoi)
    body = {"current_password": password, "new_password": new}
    refused = anonymous.post("/api/v1/auth/password", json=body, headers=csrf)
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "new_password"
    assert why in error["message"]
    hanoi.expire_all()
    assert hanoi.scalar(select(User.must_change_password).where(User.username == "minhtran"))


def test_a_long_passphrase_of_any_characters_is_taken(
    anonymous: TestClient, hanoi: Session
) -> None:
    csrf, password = _first_sign_in(anonymous, hanoi)
    phrase = "mưa phùn trên phố cổ, gió lạnh qua hồ Tây " * 3  # 126 characters
    body = {"current_password": password, "new_password": phrase[:128]}
    assert anonymous.post("/api/v1/auth/password", json=body, headers=csrf).status_code == 204


def test_the_password_page_says_why_in_the_users_language(browser: Browser) -> None:
    client = browser()
    page = client.get("/account/password")
    typed = {
        "current_password": "correct horse battery staple",
        "new_password": "aaaaaaaaaaaa",
        "repeat_password": "aaaaaaaaaaaa",
        "csrf_token": csrf_of(page.text),
    }
    refused = client.post("/account/password", data=typed)
    assert refused.status_code == 422
    assert "quá dễ đoán" in refused.text
