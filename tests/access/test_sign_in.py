"""Signing in: passwords, guessing slowed then locked out, CSRF, two-factor, tokens."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import MakePerson, SignIn
from cordon.access import service
from cordon.access.models import User

NEW = "a new long passphrase"


def _account(session: Session, role: str = "epidemiologist") -> tuple[str, str]:
    user, password = service.create_user(
        session, username="hoa", display_name="Hoa", role_key=role, unit_code="01"
    )
    session.commit()
    return user.username, password


def _sign_in(client: TestClient, password: str, code: str | None = None) -> Any:
    return client.post(
        "/api/v1/auth/sign-in", json={"username": "hoa", "password": password, "code": code}
    )


def test_first_sign_in_asks_for_a_new_password_then_works(
    anonymous: TestClient, hanoi: Session
) -> None:
    _, password = _account(hanoi)
    signed = _sign_in(anonymous, password)
    assert signed.status_code == 200
    assert signed.json()["must_change_password"]
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert anonymous.get("/api/v1/cases").status_code == 403  # choose a password first
    csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
    body = {"current_password": password, "new_password": NEW}
    assert anonymous.post("/api/v1/auth/password", json=body).status_code == 403  # no CSRF
    assert anonymous.post("/api/v1/auth/password", json=body, headers=csrf).status_code == 204
    assert anonymous.get("/api/v1/cases").status_code == 200
    assert anonymous.post("/api/v1/auth/sign-out", headers=csrf).status_code == 204
    assert anonymous.get("/api/v1/cases").status_code == 401


def test_guessing_is_slowed_then_locked_out(anonymous: TestClient, hanoi: Session) -> None:
    _, password = _account(hanoi)
    answers = [_sign_in(anonymous, f"guess {i}").status_code for i in range(4)]
    assert answers == [401, 401, 401, 429]  # after 3 failures: wait 1 s, 2 s, 4 s …
    waited = _sign_in(anonymous, password)
    assert waited.status_code == 429
    assert int(waited.headers["retry-after"]) >= 1
    user = hanoi.query(User).filter_by(username="hoa").one()
    hanoi.refresh(user)
    user.failed_logins, user.last_failed_at = 9, None  # as after many slow guesses
    hanoi.commit()
    assert _sign_in(anonymous, "guess 10").status_code == 401
    locked = _sign_in(anonymous, password)  # even the right password is refused now
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 60
    hanoi.expire_all()  # the server changed the account meanwhile
    new_password = service.reset_password(hanoi, username="hoa")
    hanoi.commit()
    assert _sign_in(anonymous, new_password).status_code == 200


def test_unknown_user_and_wrong_password_answer_alike(
    anonymous: TestClient, hanoi: Session
) -> None:
    _account(hanoi)
    wrong = _sign_in(anonymous, "not it").json()
    unknown = anonymous.post(
        "/api/v1/auth/sign-in", json={"username": "nobody", "password": "x"}
    ).json()
    assert wrong["detail"] == unknown["detail"]


def test_two_factor_enrolment_then_required(anonymous: TestClient, hanoi: Session) -> None:
    _, password = _account(hanoi, role="auditor")  # a role that demands two-factor
    user = hanoi.query(User).filter_by(username="hoa").one()
    user.must_change_password = False
    hanoi.commit()
    signed = _sign_in(anonymous, password)
    assert signed.json()["two_factor_done"] is False
    csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
    assert anonymous.get("/api/v1/audit/entries").status_code == 403  # enrol first
    uri = anonymous.post("/api/v1/auth/two-factor", headers=csrf).json()["otpauth_uri"]
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    confirm = {"code": totp.now()}
    confirmed = anonymous.post("/api/v1/auth/two-factor/confirm", json=confirm, headers=csrf)
    assert confirmed.status_code == 200  # with the recovery codes, shown once
    assert len(confirmed.json()["recovery_codes"]) == 10
    assert anonymous.get("/api/v1/audit/entries").status_code == 200
    anonymous.cookies.clear()
    assert _sign_in(anonymous, password).status_code == 401  # the code is now needed
    assert _sign_in(anonymous, password, "000000").status_code == 401


def test_tokens_are_scoped_and_revocable(
    anonymous: TestClient, hanoi: Session, sign_in: SignIn, make_person: MakePerson
) -> None:
    person = make_person()
    headers = sign_in("epidemiologist", username="epi")
    made = anonymous.post(
        "/api/v1/tokens", json={"name": "lab link", "scopes": ["people.read"]}, headers=headers
    )
    assert made.status_code == 201
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert anonymous.get(f"/api/v1/people/{person}", headers=token).status_code == 200
    assert anonymous.get("/api/v1/cases", headers=token).status_code == 403  # out of scope
    wider = anonymous.post(
        "/api/v1/tokens", json={"name": "x", "scopes": ["audit.read"]}, headers=headers
    )
    assert wider.status_code == 422  # not a permission of the role
    revoked = anonymous.delete(f"/api/v1/tokens/{made.json()['id']}", headers=headers)
    assert revoked.status_code == 204
    assert anonymous.get(f"/api/v1/people/{person}", headers=token).status_code == 401


@pytest.mark.parametrize("role", ["city_admin", "nobody"])
def test_cli_adds_the_first_administrator(hanoi: Session, role: str) -> None:
    from typer.testing import CliRunner

    from cordon.cli.main import app

    result = CliRunner().invoke(app, ["users", "add", "root", "--role", role, "--unit", "01"])
    if role == "nobody":
        assert result.exit_code == 1
        assert "unknown role" in result.output
    else:
        assert result.exit_code == 0
        assert "One-time password" in result.output
