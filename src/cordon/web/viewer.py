"""Who is looking at a page: the signed-in user of the session cookie, or a redirect to the
sign-in page (or to the step their account still needs). Forms carry the CSRF token in the
field ``csrf_token``; htmx sends it as the ``X-CSRF-Token`` header."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from cordon.access.deps import SAFE_METHODS, NewPasswordNeeded, TwoFactorNeeded, authenticate
from cordon.access.models import User
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.core.deps import SessionDep
from cordon.core.errors import Unauthorized


class GoTo(Exception):
    """Answer with a redirect (a full page load for htmx requests too)."""

    def __init__(self, location: str) -> None:
        self.location = location


async def _form_csrf(request: Request) -> None:
    if request.method not in SAFE_METHODS and "form" in request.headers.get("content-type", ""):
        form = await request.form()  # kept by Starlette for the route's own Form fields
        token = form.get("csrf_token")
        request.state.csrf_form = token if isinstance(token, str) else None


def page_user(
    request: Request, session: SessionDep, _csrf: Annotated[None, Depends(_form_csrf)]
) -> Principal:
    if request.headers.get("authorization"):
        raise GoTo("/sign-in")  # pages are for browsers; machines use the API
    try:
        who = authenticate(request, session)
    except Unauthorized:
        raise GoTo(f"/sign-in?next={quote(request.url.path)}") from None
    except TwoFactorNeeded:
        raise GoTo("/account/two-factor") from None
    except NewPasswordNeeded:
        raise GoTo("/account/password") from None
    request.state.user_language = session.scalar(
        select(User.language).where(User.id == who.user_id)
    )
    return who


PageUser = Annotated[Principal, Depends(page_user)]


def needs(who: Principal, permission: Permission) -> None:
    """The page's permission (403 page otherwise)."""
    who.require(permission)


def go_to(exc: GoTo, request: Request) -> Response:
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": exc.location})
    return RedirectResponse(exc.location, status_code=303)


def paging(total: int, page: int, size: int) -> dict[str, int]:
    """What a paged list's template needs: this page, how many, the first row's number."""
    return {"page": page, "pages": max(1, -(-total // size)), "first": (page - 1) * size + 1}
