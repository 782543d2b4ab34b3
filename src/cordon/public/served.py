"""What the public side has rendered, kept in memory under the counts' version (ADR 0013).

The dashboard and the open data files are made once per change of the counts (or per
minute, for the people in isolation they show) — by one request while the others wait for
it, not by every request at once — and then served to every client by ``FastPath``, an ASGI
layer in front of the app that answers from memory without a database session, a route or
a template: the version it trusts is read from the database by a thread every half second.
A browser that has the file gets a 304 (ETag). A client that accepts gzip (every
browser does) gets the gzip copy made with the rendering, a third to a tenth of the bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from cordon.public.models import Freshness
from cordon.web.i18n import choose

MAX_AGE = 60  # seconds a rendering is kept, and a browser or proxy may keep it
KEPT = 256  # renderings kept (days asked for × languages × files)
ASKED = 10_000  # addresses remembered (queries vary: ?on=…)
POLL = 0.5  # seconds between two readings of the counts' version by the fast path
SMALLEST_ZIPPED = 1024  # bytes: a smaller body is sent as it is


@dataclass(frozen=True)
class Variant:
    """One encoding of a rendering, with the headers it is sent with."""

    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    etag: str


@dataclass(frozen=True)
class Rendered:
    version: int
    plain: Variant
    zipped: Variant | None  # None when the body is too small to be worth it
    made: float

    def fresh(self, version: int, now: float) -> bool:
        return self.version == version and now - self.made <= MAX_AGE

    def variant(self, accept_encoding: str | None) -> Variant:
        if self.zipped is not None and accepts_gzip(accept_encoding):
            return self.zipped
        return self.plain


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (``gzip;q=0`` refuses it)."""
    for part in (accept_encoding or "").lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            return not (params.strip().startswith("q=") and _zero(quality))
    return False


def _zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


_kept: OrderedDict[Hashable, Rendered] = OrderedDict()  # by what was rendered
_asked: dict[tuple[str, bytes, str], Hashable] = {}  # a request (path, query, language) → key
_lock = threading.Lock()
_making: dict[Hashable, threading.Lock] = {}


def version(session: Session) -> int:
    return int(session.scalar(select(Freshness.version).where(Freshness.id == 1)) or 0)


def _response(kept: Variant, if_none_match: str | None) -> Response:
    headers = {k.decode(): v.decode() for k, v in kept.headers}
    if if_none_match == kept.etag:
        return Response(status_code=304, headers=headers)
    return Response(kept.body, headers=headers)


def served(
    request: Request,
    session: Session,
    key: Hashable,
    make: Callable[[], tuple[bytes, str]],
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """``make()`` → (body, media type), rendered once per counts version and minute."""
    current = version(session)
    with _lock:
        kept = _kept.get(key)
        making = _making.setdefault(key, threading.Lock())
    if kept is None or not kept.fresh(current, time.monotonic()):
        with making:  # one request renders; the others wait and take its rendering
            with _lock:
                kept = _kept.get(key)
            if kept is None or not kept.fresh(current, time.monotonic()):
                kept = _render(key, current, make, headers or {})
    asked = (request.url.path, request.url.query.encode(), choose(request))
    with _lock:
        if len(_asked) >= ASKED:
            _asked.clear()
        _asked[asked] = key
    variant = kept.variant(request.headers.get("accept-encoding"))
    return _response(variant, request.headers.get("if-none-match"))


def _render(
    key: Hashable, current: int, make: Callable[[], tuple[bytes, str]], extra: dict[str, str]
) -> Rendered:
    body, media_type = make()
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    sent = {
        "content-type": media_type,
        "cache-control": f"public, max-age={MAX_AGE}",
        "vary": "Accept-Encoding, Accept-Language, Cookie",
        **{k.lower(): v for k, v in extra.items()},
    }
    plain = _variant(body, f'"{digest}"', sent)
    zipped = None
    if len(body) >= SMALLEST_ZIPPED:
        squeezed = gzip.compress(body, compresslevel=6, mtime=0)
        if len(squeezed) < len(body):
            zipped = _variant(squeezed, f'"{digest}-gz"', {**sent, "content-encoding": "gzip"})
    kept = Rendered(current, plain, zipped, time.monotonic())
    with _lock:
        _kept[key] = kept
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return kept


def _variant(body: bytes, etag: str, sent: dict[str, str]) -> Variant:
    headers = {**sent, "etag": etag}
    return Variant(body, tuple((k.encode(), v.encode()) for k, v in headers.items()), etag)


def forget() -> None:
    """Drop every rendering (tests; a change of settings)."""
    with _lock:
        _kept.clear()
        _asked.clear()


class Version:
    """The counts' version as the fast path knows it: read by a thread every ``POLL``
    seconds (None until the first reading: the fast path stands aside)."""

    def __init__(self) -> None:
        self.value: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, engine: Engine) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(engine,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.value = None

    def _run(self, engine: Engine) -> None:
        query = select(Freshness.version).where(Freshness.id == 1)
        while not self._stop.is_set():
            try:
                with engine.connect() as conn:
                    self.value = int(conn.scalar(query) or 0)
            except Exception:  # the database away for a moment: stand aside, try again
                self.value = None
            self._stop.wait(POLL)


known = Version()


class FastPath:
    """Answers a GET of a public address from memory when it was rendered for the same
    address, query and language under the current version; everything else goes on to the
    app (which renders and keeps it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rendered = self._lookup(scope) if scope["type"] == "http" else None
        if rendered is None:
            await self.app(scope, receive, send)
            return
        accept_encoding = _header(scope, b"accept-encoding")
        kept = rendered.variant(accept_encoding.decode("latin-1") if accept_encoding else None)
        asked_etag = _header(scope, b"if-none-match")
        if asked_etag == kept.etag.encode():
            headers = [h for h in kept.headers if h[0] not in _NOT_IN_304]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*kept.headers, (b"content-length", str(len(kept.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": kept.body})

    def _lookup(self, scope: Scope) -> Rendered | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith("/public") or known.value is None:
            return None
        request = Request(scope)
        asked = (path, scope.get("query_string", b""), choose(request))
        with _lock:
            key = _asked.get(asked)
            kept = _kept.get(key) if key is not None else None
        if kept is None or not kept.fresh(known.value, time.monotonic()):
            return None
        return kept


_NOT_IN_304 = (b"content-type", b"content-encoding")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None
