"""Authentication for every request: an API token (``Authorization: Bearer``) or a web
session cookie (then unsafe methods need the ``X-CSRF-Token`` header), and the permission
check of each route (``Need``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy import bindparam, select, update

from cordon.access.models import ApiToken, User
from cordon.access.principal import Account, Principal, principal_of
from cordon.access.roles import Permission
from cordon.access.signin import csrf_ok, session_of, touch
from cordon.audit.recorder import Actor, act_as
from cordon.core.answers import answers
from cordon.core.config import get_settings
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden, Unauthorized
from cordon.core.models import utcnow
from cordon.core.security import digest
from cordon.geography.models import AdminUnit

COOKIE = "cordon_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a web session may reach before its second factor is given or enrolled.
BEFORE_TWO_FACTOR = (
    "/api/v1/auth/me",
    "/api/v1/auth/two-factor",
    "/api/v1/auth/sign-out",
    "/account/two-factor",
    "/sign-out",
)
BEFORE_NEW_PASSWORD = (
    "/api/v1/auth/me",
    "/api/v1/auth/password",
    "/api/v1/auth/sign-out",
    "/account/password",
    "/sign-out",
)


class TwoFactorNeeded(Forbidden):
    """The role needs two-factor sign-in and this session has not given a code yet."""


class NewPasswordNeeded(Forbidden):
    """The password was set by an administrator: the user must choose their own first."""


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """The web session's cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, for the
    session's lifetime (sign-in from the API and from the sign-in page alike)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=get_settings().session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# One query per request for who is asking (the statements are built once).
_ACCOUNT = (User.id.label("user_id"), User.username, User.role, User.unit_id, AdminUnit.level)
_BY_TOKEN = (
    select(
        ApiToken.id,
        ApiToken.scopes,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.disabled_at,
        *_ACCOUNT,
    )
    .join(User, User.id == ApiToken.user_id)
    .join(AdminUnit, AdminUnit.id == User.unit_id)
    .where(ApiToken.token_hash == bindparam("digest"))
)
_TOKEN_USED = (
    update(ApiToken)
    .where(ApiToken.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)
_BY_USER = (
    select(User.disabled_at, User.must_change_password, *_ACCOUNT)
    .join(AdminUnit, AdminUnit.id == User.unit_id)
    .where(User.id == bindparam("user_id"))
)
DISABLED = "This account is disabled."


def _by_token(session: SessionDep, secret: str, address: str) -> Principal:
    row = session.connection().execute(_BY_TOKEN, {"digest": digest(secret)}).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or _utc(row.expires_at) <= now:
        raise Unauthorized("The API token is unknown, expired or revoked.")
    if row.disabled_at is not None:
        raise Unauthorized(DISABLED)
    if row.last_used_at is None or now - _utc(row.last_used_at) > dt.timedelta(minutes=1):
        touch(session, _TOKEN_USED, {"token_id": row.id, "now": now})
    account = _account(row)
    act_as(session, Actor(account.user_id, f"{account.username} (token {row.id})", address))
    return principal_of(
        session, account, via="token", client_address=address, scopes=list(row.scopes)
    )


def _account(row: Any) -> Account:
    return Account(row.user_id, row.username, row.role, row.unit_id, row.level)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _by_cookie(session: SessionDep, request: Request, cookie: str, address: str) -> Principal:
    web = session_of(session, cookie)
    if web is None:
        raise Unauthorized("Your session has ended: sign in again.")
    given = request.headers.get("x-csrf-token") or getattr(request.state, "csrf_form", None)
    if request.method not in SAFE_METHODS and not csrf_ok(cookie, given):
        raise Forbidden("Missing or wrong CSRF token (header X-CSRF-Token); reload the page.")
    row = session.connection().execute(_BY_USER, {"user_id": web.user_id}).first()
    if row is None or row.disabled_at is not None:
        raise Unauthorized(DISABLED)
    if not web.two_factor_done and not request.url.path.startswith(BEFORE_TWO_FACTOR):
        raise TwoFactorNeeded(
            "Your role needs two-factor sign-in: enrol an authenticator app first "
            "(POST /api/v1/auth/two-factor)."
        )
    if row.must_change_password and not request.url.path.startswith(BEFORE_NEW_PASSWORD):
        raise NewPasswordNeeded("Choose your own password first (POST /api/v1/auth/password).")
    account = _account(row)
    act_as(session, Actor(account.user_id, account.username, address))
    return principal_of(session, account, via="session", client_address=address)


@answers(401, 403)
def authenticate(request: Request, session: SessionDep) -> Principal:
    address = client_address(request)
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return _by_token(session, authorization[7:].strip(), address)
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return _by_cookie(session, request, cookie, address)
    raise Unauthorized(
        "Sign in (POST /api/v1/auth/sign-in) or send an API token (Authorization: Bearer …)."
    )


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def need(permission: Permission) -> Any:
    """``Annotated[Principal, need(Permission.x)]``: signed in, and the role may do ``x``."""

    @answers(403)
    def check(principal: CurrentPrincipal) -> Principal:
        principal.require(permission)
        return principal

    return Depends(check)
