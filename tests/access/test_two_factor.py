"""The second factor cannot be taken over: changing it once it is on needs the password and
a code (or a one-time recovery code), never an API token; it ends the other sessions and is
audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.access import service
from cordon.access.models import User
from cordon.audit.models import AuditEntry

API = "/api/v1/auth"
PASSWORD = "quiet lanterns over Hoan Kiem"


def _enrolled(client: TestClient, hanoi: Session, role: str = "city_admin") -> dict[str, Any]:
    """A user with two-factor on, signed in: their TOTP, recovery codes and CSRF header."""
    user, _ = service.create_user(
        hanoi, username="hoa", display_name="Hoa", role_key=role, unit_code="01"
    )
    service.change_password(hanoi, user=user, new=PASSWORD)
    hanoi.commit()
    signed = _sign_in(client)
    csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
    uri = client.post(f"{API}/two-factor", headers=csrf).json()["otpauth_uri"]
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    codes = client.post(f"{API}/two-factor/confirm", json={"code": totp.now()}, headers=csrf)
    assert codes.status_code == 200, codes.text
    return {"totp": totp, "codes": codes.json()["recovery_codes"], "csrf": csrf}


def _sign_in(client: TestClient, code: str | None = None, password: str = PASSWORD) -> Any:
    body = {"username": "hoa", "password": password, "code": code}
    return client.post(f"{API}/sign-in", json=body)


def _later_code(totp: Any) -> str:
    """The next step's code (a code works once; the clock may drift one step)."""
    return str(totp.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)))


def test_a_token_with_one_scope_cannot_touch_the_second_factor(
    anonymous: TestClient, hanoi: Session
) -> None:
    me = _enrolled(anonymous, hanoi)
    made = anonymous.post(
        "/api/v1/tokens",
        json={"name": "map", "scopes": ["geography.read"]},
        headers=me["csrf"],
    )
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    anonymous.cookies.clear()
    for path in ("two-factor", "two-factor/confirm", "two-factor/off", "recovery-codes"):
        body = {"current_password": PASSWORD, "code": me["codes"][0]}
        answer = anonymous.post(f"{API}/{path}", json=body, headers=token)
        assert answer.status_code == 403, (path, answer.text)
    hanoi.expire_all()
    assert hanoi.scalar(select(User.totp_enabled).where(User.username == "hoa"))
    assert _sign_in(anonymous).status_code == 401  # the password alone still does not do


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"current_password": PASSWORD},
        {"current_password": "not the password at all", "code": "RIGHT"},
        {"current_password": PASSWORD, "code": "000000"},
    ],
    ids=["nothing", "no code", "wrong password", "wrong code"],
)
def test_re_enrolment_and_switching_off_need_password_and_code(
    anonymous: TestClient, hanoi: Session, body: dict[str, str]
) -> None:
    me = _enrolled(anonymous, hanoi, role="epidemiologist")
    body = {k: (me["codes"][1] if v == "RIGHT" else v) for k, v in body.items()}
    for path in ("two-factor", "two-factor/off", "recovery-codes"):
        answer = anonymous.post(f"{API}/{path}", json=body, headers=me["csrf"])
        assert answer.status_code == 422, (path, answer.text)
    hanoi.expire_all()
    user = hanoi.scalars(select(User).where(User.username == "hoa")).one()
    assert user.totp_enabled
    assert user.totp_pending_secret is None
    assert user.failed_logins >= 3  # counted like failed sign-ins


def test_switching_off_with_both_factors_ends_other_sessions_and_is_audited(
    engine: Any, anonymous: TestClient, hanoi: Session
) -> None:
    me = _enrolled(anonymous, hanoi, role="epidemiologist")
    other = TestClient(anonymous.app)
    assert _sign_in(other, me["codes"][0]).status_code == 200  # a second browser
    assert other.get(f"{API}/me").status_code == 200
    body = {"current_password": PASSWORD, "code": _later_code(me["totp"])}
    assert anonymous.post(f"{API}/two-factor/off", json=body, headers=me["csrf"]).status_code == 204
    assert other.get(f"{API}/me").status_code == 401  # the other session ended
    assert anonymous.get(f"{API}/me").json()["two_factor_enabled"] is False
    actions = hanoi.scalars(select(AuditEntry.action)).all()
    assert "two-factor disabled" in actions
    assert "two-factor enabled" in actions


def test_a_role_that_demands_two_factor_cannot_switch_it_off(
    anonymous: TestClient, hanoi: Session
) -> None:
    me = _enrolled(anonymous, hanoi, role="city_admin")
    body = {"current_password": PASSWORD, "code": me["codes"][0]}
    assert anonymous.post(f"{API}/two-factor/off", json=body, headers=me["csrf"]).status_code == 409


def test_re_enrolment_keeps_the_old_app_until_the_new_one_is_confirmed(
    anonymous: TestClient, hanoi: Session
) -> None:
    me = _enrolled(anonymous, hanoi)
    other = TestClient(anonymous.app)
    assert _sign_in(other, me["codes"][0]).status_code == 200
    body = {"current_password": PASSWORD, "code": _later_code(me["totp"])}
    started = anonymous.post(f"{API}/two-factor", json=body, headers=me["csrf"])
    assert started.status_code == 200, started.text
    new = pyotp.parse_uri(started.json()["otpauth_uri"])
    assert isinstance(new, pyotp.TOTP)
    assert other.get(f"{API}/me").status_code == 200  # nothing changed yet
    confirmed = anonymous.post(
        f"{API}/two-factor/confirm", json={"code": new.now()}, headers=me["csrf"]
    )
    assert confirmed.status_code == 200
    assert other.get(f"{API}/me").status_code == 401
    assert _sign_in(other, me["codes"][1]).status_code == 401  # old recovery codes are gone
    fresh = confirmed.json()["recovery_codes"][0]
    assert _sign_in(other, fresh).status_code == 200


def test_a_recovery_code_signs_in_once(anonymous: TestClient, hanoi: Session) -> None:
    me = _enrolled(anonymous, hanoi)
    anonymous.cookies.clear()
    code = me["codes"][2]
    assert _sign_in(anonymous, code.upper().replace("-", " ")).status_code == 200
    anonymous.cookies.clear()
    assert _sign_in(anonymous, code).status_code == 401  # replayed
    assert _sign_in(anonymous, me["codes"][3]).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(anonymous: TestClient, hanoi: Session) -> None:
    me = _enrolled(anonymous, hanoi)
    body = {"current_password": PASSWORD, "code": me["codes"][0]}
    renewed = anonymous.post(f"{API}/recovery-codes", json=body, headers=me["csrf"])
    assert renewed.status_code == 200
    anonymous.cookies.clear()
    assert _sign_in(anonymous, me["codes"][1]).status_code == 401
    assert _sign_in(anonymous, renewed.json()["recovery_codes"][1]).status_code == 200


def test_recovery_codes_are_stored_hashed(anonymous: TestClient, hanoi: Session) -> None:
    me = _enrolled(anonymous, hanoi)
    from cordon.access.models import RecoveryCode

    stored = hanoi.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not set(stored) & {c.replace("-", "") for c in me["codes"]}


def test_a_password_reset_ends_the_tokens_and_sessions(
    anonymous: TestClient, hanoi: Session, sign_in: SignIn
) -> None:
    me = _enrolled(anonymous, hanoi, role="epidemiologist")
    made = anonymous.post(
        "/api/v1/tokens", json={"name": "feed", "scopes": ["people.read"]}, headers=me["csrf"]
    )
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert TestClient(anonymous.app).get("/api/v1/people", headers=token).status_code == 200
    admin = sign_in("city_admin", username="root")
    reset = TestClient(anonymous.app).post("/api/v1/users/hoa/reset-password", headers=admin)
    assert reset.status_code == 200, reset.text
    assert anonymous.get(f"{API}/me").status_code == 401  # the session ended
    anonymous.cookies.clear()
    assert anonymous.get("/api/v1/people", headers=token).status_code == 401  # and the token
