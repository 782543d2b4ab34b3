"""What no request may bring, checked once for every route before it runs (docs/architecture.md,
"Limits of input"):

- a JSON or form body larger than ``MAX_BODY_BYTES`` (413; imports, sent as files, have
  their own limit), a value of a web form longer than a note (``FORM_VALUE``);
- an integer beyond what SQLite and PostgreSQL store (±(2^63 − 1)) in the query, a form or
  a JSON body (ids in paths are ``core.bounds.Id``, which the OpenAPI shows);
- a control character (NUL included) in any text of the query, a form or a JSON body: only
  tab, line feed and carriage return may be typed (in multi-line notes).

A refused request answers 422 (problem+json, or the error page of the web app) naming the
field, and changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from cordon.core import problems
from cordon.core.asgi import HttpLayer
from cordon.core.bounds import MAX_INT, NOTES
from cordon.core.text import CONTROL

MAX_BODY_BYTES = 2 * 1024 * 1024
DIGITS = re.compile(r"[+-]?\d{19,}")  # 2^63 has 19 digits: shorter numbers always fit
# A value of a web form is at most a note long, but for a scenario pasted as TOML (its page
# bounds it itself); each form field has its own, shorter limit where its column needs one.
FORM_VALUE = NOTES
LONG_FORM_VALUES = frozenset({"toml"})
CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _fault(value: object) -> str | None:
    """What is wrong with one value, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > MAX_INT:
        return f"must be a whole number from -{MAX_INT} to {MAX_INT}"
    if isinstance(value, str):
        if CONTROL.search(value):
            return "must not contain control characters"
        if DIGITS.fullmatch(value.strip()) and abs(int(value)) > MAX_INT:
            return f"must be a whole number from -{MAX_INT} to {MAX_INT}"
    return None


def _walk(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{where}.{i}" if where else str(i))
    else:
        yield where or "body", value


def _faults(pairs: Iterator[tuple[str, Any]]) -> list[dict[str, str]]:
    found = []
    for field, value in pairs:
        fault = _fault(value)
        if fault is None and isinstance(field, str) and CONTROL.search(field):
            fault = "must not contain control characters"
        if fault:
            found.append({"field": CONTROL.sub("?", field)[:100], "message": fault})
    return found


def _body_faults(content_type: str, body: bytes) -> list[dict[str, str]]:
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return []  # the route's own parsing answers it
        return _faults(_walk(data, ""))
    pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    long = [
        {"field": name[:100], "message": f"must be at most {FORM_VALUE} characters"}
        for name, value in pairs
        if len(value) > FORM_VALUE and name not in LONG_FORM_VALUES
    ]
    return long + _faults(iter(pairs))


class InputGuard(HttpLayer):
    """ASGI middleware: bounds every request's path, query and JSON or form body."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        query = scope.get("query_string", b"").decode("latin-1")
        errors = _faults(iter(parse_qsl(query, True)))
        content_type = request.headers.get("content-type", "")
        body: bytes | None = None
        if content_type.startswith(CHECKED_BODIES):
            body = await _read(receive, MAX_BODY_BYTES)
            if body is None:
                await _answer(request, 413, "Request too large", _too_large(), [], send)
                return
            errors += _body_faults(content_type, body)
        if errors:
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
            await _answer(request, 422, "Invalid input", detail, errors, send)
            return
        await self.app(scope, receive if body is None else _replay(body, receive), send)


def _too_large() -> str:
    return f"The request's body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB."


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None beyond ``limit`` bytes."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, then: Receive) -> Receive:
    """The body read, then what the client sends next (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _answer(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]],
    send: Send,
) -> None:
    page = problems.html_pages
    if page is not None and not request.url.path.startswith(("/api/", "/healthz")):
        response = page(request, status)
    else:
        response = problems.problem(status, title, detail, errors or None)
    await response(request.scope, request.receive, send)
