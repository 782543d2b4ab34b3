"""Errors as RFC 9457 ``application/problem+json``: status, title, detail and the fields at fault.

No stack trace and no personal data ever leave the server in an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cordon.core.errors import CordonError

log = logging.getLogger("cordon")
PROBLEM = "application/problem+json"
HtmlPages = Callable[[Request, int], Response]
# Set by the web app: errors of its pages are pages, not problem+json (the API's are); a
# page says only what its status means, never the detail.
html_pages: HtmlPages | None = None


def _page(request: Request) -> bool:
    path = request.url.path
    return html_pages is not None and not path.startswith(("/api/", "/healthz", "/static/"))


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "title": title,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


async def _cordon_error(req: Request, exc: Exception) -> Response:
    assert isinstance(exc, CordonError)
    if html_pages is not None and _page(req):
        return html_pages(req, exc.status)
    errors = [p.as_dict() for p in exc.problems]
    return problem(exc.status, exc.title, exc.detail, errors, exc.headers())


async def _validation_error(req: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if html_pages is not None and _page(req):
        return html_pages(req, 422)
    errors = [{"field": _field_path(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem(422, "Invalid input", detail, errors)


async def _stale(req: Request, _exc: Exception) -> Response:
    if html_pages is not None and _page(req):
        return html_pages(req, 409)
    return problem(
        409, "Conflict", "The record was changed by someone else meanwhile; reload it and retry."
    )


async def _http_error(req: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if html_pages is not None and _page(req):
        return html_pages(req, exc.status_code)
    return problem(exc.status_code, str(exc.detail), str(exc.detail))


async def _unexpected(req: Request, exc: Exception) -> Response:
    # The traceback names code, not data: no request body or record is logged.
    log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
    if html_pages is not None and _page(req):
        return html_pages(req, 500)
    return problem(500, "Internal error", "Something went wrong on the server; nothing was saved.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(CordonError, _cordon_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
