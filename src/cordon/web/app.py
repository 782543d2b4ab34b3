"""What the web app adds to the FastAPI app: its static files, redirects of pages to the
sign-in page, and error pages in the user's language instead of problem+json."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from cordon.core import problems
from cordon.web.templating import WEB, render
from cordon.web.viewer import GoTo, go_to


async def _go_to(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GoTo)
    return go_to(exc, request)


def error_page(request: Request, status: int) -> Response:
    """Errors of pages, by their status alone: 404 and 403 say only what the user may know;
    details of a 500 stay in the server's log."""
    return render(request, "error.html", {"status": status}, status=status)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.add_exception_handler(GoTo, _go_to)
    problems.html_pages = error_page
