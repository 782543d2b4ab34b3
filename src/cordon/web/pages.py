"""Pages of every user: signing in and out, the language, one's password and two-factor."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from cordon.access import service, signin, two_factor
from cordon.access.deps import COOKIE, client_address, set_session_cookie
from cordon.access.models import User
from cordon.core.deps import SessionDep
from cordon.core.errors import CordonError, Forbidden, TooManyAttempts
from cordon.core.security import password_matches
from cordon.web.i18n import COOKIE as LANG_COOKIE
from cordon.web.i18n import LANGUAGES
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never another site: an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    return render(request, "sign_in.html", {"next": _safe_next(next), "form": {}, "errors": {}})


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    username: Text,
    password: Text,
    code: OptionalText = "",
    next: OptionalText = "/",
) -> Response:
    t = texts_for(request)
    form = {"username": username}
    errors: dict[str, str] = {}
    try:
        result = signin.sign_in(
            session,
            username=username.strip(),
            password=password,
            code=code.strip() or None,
            address=client_address(request),
        )
    except TooManyAttempts as exc:
        errors["form"] = t.gettext(
            "Too many failed sign-ins. Wait %(seconds)s seconds before trying again.",
            seconds=exc.retry_after,
        )
        return render(
            request,
            "sign_in.html",
            {"next": _safe_next(next), "form": form, "errors": errors},
            status=429,
            headers=exc.headers(),
        )
    if isinstance(result, str):
        session.commit()  # the failure counts although the answer is an error
        if result.startswith("Enter the six-digit code"):
            errors["code"] = t.gettext(
                "Enter the six-digit code of your authenticator app, or a recovery code."
            )
        else:
            errors["form"] = t.gettext("Sign-in failed: wrong username, password or code.")
        context = {"next": _safe_next(next), "form": form, "errors": errors, "ask_code": True}
        return render(request, "sign_in.html", context, status=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, request, result.session_token)
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, who: PageUser) -> Response:
    cookie = request.cookies.get(COOKIE)
    if cookie:
        signin.end_session(session, cookie)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(
    request: Request,
    session: SessionDep,
    lang: Text,
    next: OptionalText = "/",
    csrf_token: OptionalText = "",
) -> Response:
    """Switch the language: remembered by this browser, and by the account when signed in
    (then the form's CSRF token is checked, as for every change made with the cookie)."""
    cookie = request.cookies.get(COOKIE)
    web = signin.session_of(session, cookie) if cookie else None
    if web is not None and cookie and not signin.csrf_ok(cookie, csrf_token or None):
        raise Forbidden("Missing or wrong CSRF token (field csrf_token); reload the page.")
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang not in LANGUAGES:
        return response
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    if web is not None:
        service.choose_language(session, user_id=web.user_id, language=lang)
    return response


@router.get("/account/password")
def password_page(request: Request, who: PageUser) -> Response:
    return render(request, "account/password.html", {"errors": {}}, who=who)


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    who: PageUser,
    current_password: Text,
    new_password: Text,
    repeat_password: Text,
) -> Response:
    t = texts_for(request)
    user = session.get_one(User, who.user_id)
    errors: dict[str, str] = {}
    if not password_matches(user.password_hash, current_password):
        errors["current_password"] = t.gettext("This is not your current password.")
    elif new_password != repeat_password:
        errors["repeat_password"] = t.gettext("The two new passwords differ.")
    else:
        try:
            service.change_password(session, user=user, new=new_password)
        except CordonError as exc:
            errors["new_password"] = t.problem(exc.problems[0]) if exc.problems else t.error(exc)
    if errors:
        return render(request, "account/password.html", {"errors": errors}, who=who, status=422)
    return RedirectResponse("/", status_code=303)


@router.get("/account/two-factor")
def two_factor_page(request: Request, session: SessionDep, who: PageUser) -> Response:
    """Enrol an authenticator app: its secret, as a QR code and as text, then one code."""
    user = session.get_one(User, who.user_id)
    if user.totp_enabled:
        return RedirectResponse("/", status_code=303)
    uri = two_factor.pending_uri(user) or two_factor.start(session, user, password=None, code=None)
    return render(request, "account/two_factor.html", _enrolment(user, uri, {}), who=who)


def _enrolment(user: User, uri: str, errors: dict[str, str]) -> dict[str, object]:
    return {"uri": uri, "qr": _qr(uri), "secret": user.totp_secret, "errors": errors}


def _qr(uri: str) -> Markup:
    """The enrolment key as a QR code to scan, inline SVG (no image request, no CDN)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, omitsize=True))


@router.post("/account/two-factor")
def confirm_two_factor(
    request: Request, session: SessionDep, who: PageUser, code: Text
) -> Response:
    user = session.get_one(User, who.user_id)
    cookie = request.cookies.get(COOKIE)
    web = signin.session_of(session, cookie) if cookie else None
    try:
        codes = two_factor.confirm(session, user, web, code.strip())
    except CordonError:
        t = texts_for(request)
        errors = {"code": t.gettext("This code is not valid. Enter the code shown now.")}
        context = _enrolment(user, two_factor.pending_uri(user) or "", errors)
        return render(request, "account/two_factor.html", context, who=who, status=422)
    return render(request, "account/recovery_codes.html", {"codes": codes}, who=who)
