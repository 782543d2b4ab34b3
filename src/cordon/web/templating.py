"""Rendering pages: one Jinja2 environment, a request's language, its user and CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cordon import __version__
from cordon.access.deps import COOKIE
from cordon.access.principal import Principal
from cordon.access.signin import csrf_for
from cordon.web.i18n import LANGUAGES, Texts, choose
from cordon.web.labels import words

WEB = Path(__file__).resolve().parent
env = Environment(
    loader=FileSystemLoader(WEB / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def texts_for(request: Request, who: Principal | None = None) -> Texts:
    cached = getattr(request.state, "texts", None)
    if isinstance(cached, Texts):
        return cached
    texts = Texts(choose(request, getattr(request.state, "user_language", None)))
    request.state.texts = texts
    return texts


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    who: Principal | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page (or, for an htmx request, the fragment it asked for) in the user's language."""
    t = texts_for(request, who)
    cookie = request.cookies.get(COOKIE)
    values = {
        "request": request,
        "who": who,
        "lang": t.lang,
        "languages": LANGUAGES,
        "_": t.gettext,
        "ngettext": t.ngettext,
        "fmt": t,
        "label": lambda value: t.gettext(words(value)),
        "csrf": csrf_for(cookie) if cookie and who is not None else "",
        "version": __version__,
        "htmx": request.headers.get("hx-request") == "true",
        **(context or {}),
    }
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=headers)
