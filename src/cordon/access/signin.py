"""Signing in: passwords against guessing, the second factor, web sessions and CSRF.

Guessing is slowed, then stopped (numbers in settings):
- after ``login_slowdown_after`` failures in a row an account answers 429 until 1 s, 2 s,
  4 s … have passed since the last failure — without even checking the password;
- after ``login_lockout_after`` failures it is locked for ``login_lockout_minutes`` (or until
  an administrator resets the password);
- an address with ``login_ip_limit`` failures in 15 minutes gets 429 for any account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.access import two_factor
from cordon.access.models import LoginFailure, User, WebSession
from cordon.access.roles import role
from cordon.audit import recorder
from cordon.core.config import get_settings
from cordon.core.errors import TooManyAttempts
from cordon.core.models import utcnow
from cordon.core.security import digest, keyed_digest, new_token, password_matches, same

WINDOW = dt.timedelta(minutes=15)
FAILED = "Sign-in failed: wrong username, password or code."


@dataclass
class SignedIn:
    user: User
    session_token: str  # for the cookie; only its hash is stored
    csrf_token: str
    two_factor_done: bool


def _retry_after(user: User, now: dt.datetime) -> int:
    settings = get_settings()
    if user.locked_until is not None and user.locked_until > now:
        return int((user.locked_until - now).total_seconds()) + 1
    over = user.failed_logins - settings.login_slowdown_after
    if over >= 0 and user.last_failed_at is not None:
        wait = user.last_failed_at + dt.timedelta(seconds=2**over) - now
        return max(0, int(wait.total_seconds() + 0.999))
    return 0


def _fail(session: Session, user: User | None, address: str) -> None:
    """Record a failure. The caller commits before answering, so it counts even though the
    request fails."""
    now = utcnow()
    session.add(LoginFailure(client_address=address, at=now))
    if user is not None:
        user.failed_logins += 1
        user.last_failed_at = now
        if user.failed_logins >= get_settings().login_lockout_after:
            user.locked_until = now + dt.timedelta(minutes=get_settings().login_lockout_minutes)
    recorder.note(session, "sign-in failed", "users", user.id if user else None)


def check_wait(user: User) -> None:
    """429 while the account must wait after failed sign-ins (also for the password and code
    asked again before a change of the second factor)."""
    if (wait := _retry_after(user, utcnow())) > 0:
        raise TooManyAttempts(
            "Too many failed sign-ins for this account: wait before trying again, or ask an "
            "administrator to reset the password.",
            retry_after=wait,
        )


def count_failure(session: Session, user: User, address: str) -> None:
    """A wrong password or code given by a signed-in user, counted like a failed sign-in."""
    _fail(session, user, address)
    recorder.note(session, "two-factor change refused", "users", user.id)


def check_address(session: Session, address: str) -> None:
    since = utcnow() - WINDOW
    failures = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.client_address == address, LoginFailure.at > since)
    )
    if (failures or 0) >= get_settings().login_ip_limit:
        raise TooManyAttempts("Too many failed sign-ins from this address.", retry_after=900)


def sign_in(
    session: Session, *, username: str, password: str, code: str | None, address: str
) -> SignedIn | str:
    """A new web session, or the reason it was refused (already recorded: commit, then
    answer 401). Raises 429 while the account or the address must wait."""
    check_address(session, address)
    user = session.scalar(select(User).where(User.username == username))
    if user is not None:
        check_wait(user)
    if not password_matches(user.password_hash if user else None, password) or user is None:
        _fail(session, user, address)
        return FAILED
    if user.disabled_at is not None:
        _fail(session, user, address)
        return FAILED
    if user.totp_enabled:
        if not code:
            return (
                "Enter the six-digit code of your authenticator app, or a recovery code "
                "(field: code)."
            )
        if not two_factor.code_ok(session, user, code):
            _fail(session, user, address)
            return FAILED
    user.failed_logins, user.locked_until = 0, None
    forget_failures(session)
    return _open_session(session, user, address)


def _open_session(session: Session, user: User, address: str) -> SignedIn:
    token = new_token("s")
    done = user.totp_enabled or not role(user.role).two_factor
    session.add(
        WebSession(
            user_id=user.id, token_hash=digest(token), two_factor_done=done, client_address=address
        )
    )
    recorder.act_as(session, recorder.Actor(user.id, user.username, address))
    recorder.note(session, "sign-in", "users", user.id)
    return SignedIn(user, token, csrf_for(token), done)


def csrf_for(session_token: str) -> str:
    """The CSRF token of a web session: derived from it, so nothing more is stored."""
    return keyed_digest("csrf", session_token)[:43]


def csrf_ok(session_token: str, given: str | None) -> bool:
    return given is not None and same(csrf_for(session_token), given)


def session_of(session: Session, token: str) -> WebSession | None:
    """The live web session of a cookie, its idle time renewed (at most once a minute)."""
    web = session.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
    now = utcnow()
    idle = dt.timedelta(hours=get_settings().session_hours)
    if web is None or web.ended_at is not None or web.last_seen_at + idle < now:
        return None
    if now - web.last_seen_at > dt.timedelta(minutes=1):
        touch(session, _SESSION_SEEN, {"session_id": web.id, "now": now})
    return web


_SESSION_SEEN = (
    update(WebSession)
    .where(WebSession.id == bindparam("session_id"))
    .values(last_seen_at=bindparam("now"))
)


def touch(session: Session, statement: Any, params: dict[str, Any]) -> None:
    """Note when a token or session was last used, in a transaction of its own: a request
    that only reads must not hold the database's write lock (SQLite has one) while it runs."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with engine.begin() as conn:
        conn.execute(statement, params)


def end_session(session: Session, token: str) -> None:
    session.execute(
        update(WebSession).where(WebSession.token_hash == digest(token)).values(ended_at=utcnow())
    )


def end_sessions(session: Session, *, user_id: int) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def forget_failures(session: Session, *, older_than: dt.timedelta = WINDOW) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - older_than))
