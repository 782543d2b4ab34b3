"""Authentication for every request: an API token (``Authorization: Bearer``) or a web
session cookie (then unsafe methods need the ``X-CSRF-Token`` header), and the permission
check of each route (``Need``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select

from cordon.access.models import ApiToken, User
from cordon.access.principal import Principal, principal_of
from cordon.access.roles import Permission
from cordon.access.signin import csrf_ok, session_of
from cordon.audit.recorder import Actor, act_as
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden, Unauthorized
from cordon.core.models import utcnow
from cordon.core.security import digest

COOKIE = "cordon_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a web session may reach before its second factor is given or enrolled.
BEFORE_TWO_FACTOR = ("/api/v1/auth/me", "/api/v1/auth/two-factor", "/api/v1/auth/sign-out")
BEFORE_NEW_PASSWORD = ("/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/sign-out")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _user(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.disabled_at is not None:
        raise Unauthorized("This account is disabled.")
    return user


def _by_token(session: SessionDep, secret: str, address: str) -> Principal:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise Unauthorized("The API token is unknown, expired or revoked.")
    user = _user(session, token.user_id)
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        token.last_used_at = now
    act_as(session, Actor(user.id, f"{user.username} (token {token.id})", address))
    return principal_of(
        session, user, via="token", client_address=address, scopes=list(token.scopes)
    )


def _by_cookie(session: SessionDep, request: Request, cookie: str, address: str) -> Principal:
    web = session_of(session, cookie)
    if web is None:
        raise Unauthorized("Your session has ended: sign in again.")
    if request.method not in SAFE_METHODS and not csrf_ok(
        cookie, request.headers.get("x-csrf-token")
    ):
        raise Forbidden("Missing or wrong CSRF token (header X-CSRF-Token); reload the page.")
    user = _user(session, web.user_id)
    if not web.two_factor_done and not request.url.path.startswith(BEFORE_TWO_FACTOR):
        raise Forbidden(
            "Your role needs two-factor sign-in: enrol an authenticator app first "
            "(POST /api/v1/auth/two-factor)."
        )
    if user.must_change_password and not request.url.path.startswith(BEFORE_NEW_PASSWORD):
        raise Forbidden("Choose your own password first (POST /api/v1/auth/password).")
    act_as(session, Actor(user.id, user.username, address))
    return principal_of(session, user, via="session", client_address=address)


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

    def check(principal: CurrentPrincipal) -> Principal:
        principal.require(permission)
        return principal

    return Depends(check)
