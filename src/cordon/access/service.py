"""Accounts and API tokens: the only code that writes them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cordon.access import signin
from cordon.access.models import ApiToken, User
from cordon.access.roles import Permission, role
from cordon.core.errors import N_, BadValue, Conflict, FieldProblem, InvalidInput, NotFound
from cordon.core.models import utcnow
from cordon.core.phones import normalize_phone
from cordon.core.rulesets import UnknownRule
from cordon.core.security import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    digest,
    guessable,
    hash_password,
    new_password,
    new_token,
)
from cordon.geography.models import AdminUnit

TOKEN_PREFIX = "cdn"
MAX_TOKEN_DAYS = 366
USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
TOO_EASY = N_(
    "too easy to guess: it is a common password, a pattern (repeats, sequences, keyboard "
    "rows, dates) or your name; a few unrelated words make a strong one"
)
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


def _unit(session: Session, code: str) -> AdminUnit:
    unit = session.scalar(select(AdminUnit).where(AdminUnit.code == code))
    if unit is None:
        raise InvalidInput.on("unit", f"no administrative unit has code {code!r}")
    return unit


def _check_role(key: str) -> None:
    try:
        role(key)
    except UnknownRule as exc:
        raise InvalidInput.on("role", str(exc)) from None


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user is called {username!r}")
    return user


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role_key: str,
    unit_code: str,
    language: str = "vi",
) -> tuple[User, str]:
    """A new account with a one-time password (returned once, to hand over; changed at the
    first sign-in). There is no default password anywhere."""
    _check_role(role_key)
    if not USERNAME.fullmatch(username):
        raise InvalidInput.on("username", "use 1–64 letters, digits, '.', '-' or '_'")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"username {username!r} is taken")
    password = new_password()
    user = User(
        username=username,
        display_name=display_name,
        role=role_key,
        unit_id=_unit(session, unit_code).id,
        language=language,
        password_hash=hash_password(password),
        must_change_password=True,
        totp_enabled=False,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user, password


def set_alert_contacts(
    session: Session, *, username: str, phone: str | None, email: str | None
) -> User:
    """Where the user is alerted of flags in their unit: a phone (SMS) and/or an e-mail;
    an empty value removes it."""
    user = user_by_name(session, username)
    problems = []
    if phone:
        try:
            phone = normalize_phone(phone)
        except BadValue as bad:
            problems.append(FieldProblem.from_error("phone", bad))
    if email and not EMAIL.fullmatch(email.strip()):
        problems.append(FieldProblem.of("email", N_("not an e-mail address")))
    if problems:
        said = "; ".join(f"{p.field} {p.message}" for p in problems)
        raise InvalidInput(detail=f"Alert contacts of {username}: {said}.", problems=problems)
    user.alert_phone = phone or None
    user.alert_email = email.strip() if email else None
    session.flush()
    return user


def choose_language(session: Session, *, user_id: int, language: str) -> None:
    """The language the user's pages speak from now on, remembered with the account (no such
    user, say deleted meanwhile: nothing to remember)."""
    user = session.get(User, user_id)
    if user is not None:
        user.language = language


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def usernames(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    """Who the users of ``user_ids`` are, by id (who started a job, made a decision …)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(sorted(user_ids))))
    return {int(user_id): str(name) for user_id, name in rows}


def disable_user(session: Session, *, username: str) -> User:
    """No more sign-ins, sessions or tokens for this account (the record stays, for audit)."""
    user = user_by_name(session, username)
    user.disabled_at = user.disabled_at or utcnow()
    return user


def reset_password(session: Session, *, username: str) -> str:
    """A new one-time password; also unlocks the account and ends its web sessions and API
    tokens (whoever knew the old password may have made some)."""
    user = user_by_name(session, username)
    password = new_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    signin.end_sessions(session, user_id=user.id)
    revoke_tokens(session, user_id=user.id)
    return password


def change_password(session: Session, *, user: User, new: str) -> None:
    """The user's own password (OWASP ASVS 2.1): 12 to 128 characters, any of them, and not
    easy to guess — not common, not a pattern, not the user's names."""
    if len(new) < MIN_PASSWORD:
        raise InvalidInput.on("new_password", N_("use at least %(n)s characters"), n=MIN_PASSWORD)
    if len(new) > MAX_PASSWORD:
        raise InvalidInput.on("new_password", N_("use at most %(n)s characters"), n=MAX_PASSWORD)
    if guessable(new, user_inputs=[user.username, *user.display_name.split()]):
        raise InvalidInput.on("new_password", TOO_EASY)
    user.password_hash = hash_password(new)
    user.must_change_password = False


def create_token(
    session: Session, *, user: User, name: str, scopes: Sequence[str], days: int
) -> tuple[ApiToken, str]:
    """A token for a machine, limited to ``scopes`` (each a permission of the user's role)
    and to ``days``; only its hash is stored, so the secret is shown once."""
    allowed = role(user.role).permissions
    problems = [s for s in scopes if s not in {p.value for p in allowed}]
    if problems or not scopes:
        raise InvalidInput.on(
            "scopes", f"give permissions of role {user.role}: {', '.join(sorted(allowed))}"
        )
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput.on("days", f"a token lives 1–{MAX_TOKEN_DAYS} days")
    secret = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        scopes=sorted(Permission(s).value for s in scopes),
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session, *, user_id: int | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return session.scalars(query).all()


def revoke_token(session: Session, *, token_id: int, user_id: int | None = None) -> ApiToken:
    """Revoke a token (``user_id``: only if it is theirs — else 404, as if it did not exist)."""
    token = session.get(ApiToken, token_id)
    if token is None or (user_id is not None and token.user_id != user_id):
        raise NotFound(f"no token {token_id}")
    token.revoked_at = token.revoked_at or utcnow()
    return token


def revoke_tokens(session: Session, *, user_id: int) -> None:
    """End every live API token of the user."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
