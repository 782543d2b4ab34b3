"""Every answer of every API operation in the OpenAPI, computed from the route itself.

An operation documents its success answer (FastAPI does) and, as ``application/problem+json``:
- what its dependencies declare with ``@answers(…)`` (sign-in: 401 and 403; a permission: 403);
- 422 when it takes any input, and 404 too (a record named by it may not exist or be out of
  sight); 400 and 413 when it takes a body (one that cannot be parsed, one too large);
- 409 when it writes (POST, PUT, PATCH, DELETE: a stale version, a duplicate, a wrong status);
- and the error statuses the route lists in its own ``responses=``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

F = TypeVar("F", bound=Callable[..., Any])
PROBLEM = "application/problem+json"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many attempts",
}


class FieldError(BaseModel):
    field: str = Field(description="The input at fault: a body field, parameter or column.")
    message: str
    row: int | None = Field(default=None, description="The row of a file (imports).")


class Problem(BaseModel):
    """An error, as RFC 9457 ``application/problem+json``."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    status: int
    title: str
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


def answers(*statuses: int) -> Callable[[F], F]:
    """Declares the error statuses a dependency may answer (read by ``document``)."""

    def mark(call: F) -> F:
        call.answers = statuses  # type: ignore[attr-defined]
        return call

    return mark


def _all(dependant: Dependant) -> Iterator[Dependant]:
    """The dependant and all its sub-dependencies."""
    yield dependant
    for sub in dependant.dependencies:
        yield from _all(sub)


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The API's routes as the OpenAPI sees them (with their routers' prefixes)."""
    for context in routing.iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and (context.path or "").startswith(
            "/api/"
        ):
            yield context


def statuses(route: Any) -> set[int]:
    """The error statuses ``route`` may answer."""
    found = {int(s) for s in route.responses if str(s).isdigit() and int(s) >= 400}
    parts = list(_all(route.dependant))
    for part in parts:
        found.update(getattr(part.call, "answers", ()))
    has_input = any(p.path_params or p.query_params or p.header_params for p in parts)
    has_body = any(p.body_params for p in parts)
    if has_input or has_body:
        found |= {404, 422}
    if has_body:
        found |= {400, 413}  # a body that cannot be parsed; one too large
    if route.methods & WRITES:
        found |= {409, 422}
    return found


def _problem_answer(status: int) -> dict[str, Any]:
    return {
        "description": TITLES.get(status, "Error"),
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _openapi(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    for route in api_routes(app):
        for method in route.methods:
            answered = spec["paths"][route.path_format][method.lower()]["responses"]
            for status in statuses(route):
                answered[str(status)] = _problem_answer(status)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if f'/{name}"' not in json.dumps(spec["paths"]):
            schemas.pop(name, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    return spec


def document(app: FastAPI) -> None:
    """The app's OpenAPI documents every error answer of every API route (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
