"""The largest line list an upload may carry (``CORDON_MAX_UPLOAD_MB``): a larger one is
answered 413 before its body is read — at once when it says its length, else as soon as
the bytes received pass the limit — on the import API and the import page alike."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cordon.core.config import get_settings
from cordon.core.problems import PROBLEM

UPLOADS = ("/api/v1/imports/", "/imports")


class UploadLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_upload(scope):
            await self.app(scope, receive, send)
            return
        limit = get_settings().max_upload_mb * 1024 * 1024
        if _declared_length(scope) > limit:
            await _refuse(scope, send, limit)
            return
        received, refused, answered = 0, False, False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:  # stop reading: the app sees the client gone
                refused = True
                return {"type": "http.disconnect"}
            return message

        async def sending(message: Message) -> None:
            nonlocal answered
            if not refused:
                await send(message)
            elif not answered:  # the app's answer to a body cut short, replaced
                answered = True
                await _refuse(scope, send, limit)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not refused:
                raise
            if not answered:
                await _refuse(scope, send, limit)


def _is_upload(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and (path.startswith(UPLOADS[0]) or path == UPLOADS[1])
    )


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    """413: problem+json for the API; a short page for the web app's form."""
    megabytes = limit // (1024 * 1024)
    if not str(scope.get("path", "")).startswith("/api/"):
        page = PAGE.format(mb=megabytes).encode()
        await _send(send, page, b"text/html; charset=utf-8")
        return
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": 413,
        "title": "Upload too large",
        "detail": f"The file is larger than {megabytes} MB (CORDON_MAX_UPLOAD_MB).",
        "errors": [{"field": "file", "message": f"is larger than {megabytes} MB"}],
    }
    await _send(send, json.dumps(body).encode(), PROBLEM.encode())


async def _send(send: Send, data: bytes, kind: bytes) -> None:
    headers = [(b"content-type", kind), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": data})


PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>413</title>
<p>Tệp lớn hơn {mb} MB. · The file is larger than {mb} MB.</p>
<p><a href="/imports">Quay lại · Back</a></p></html>"""
