"""What the public side has rendered, kept in memory under the counts' version (ADR 0013):
the dashboard and the open data files are made once per change of the counts (or per
minute, for the people in isolation they show) and served from here to every client, with
an ETag so that a browser that has them gets a 304.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.public.models import Freshness

MAX_AGE = 60  # seconds a rendering is kept, and a browser or proxy may keep it
KEPT = 256  # renderings kept (days asked for × languages × files)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    etag: str
    made: float


_kept: OrderedDict[tuple[int, Hashable], Rendered] = OrderedDict()
_lock = threading.Lock()


def version(session: Session) -> int:
    return int(session.scalar(select(Freshness.version).where(Freshness.id == 1)) or 0)


def served(
    request: Request,
    session: Session,
    key: Hashable,
    make: Callable[[], tuple[bytes, str]],
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """``make()`` → (body, media type), rendered once per counts version and minute."""
    current = (version(session), key)
    now = time.monotonic()
    with _lock:
        kept = _kept.get(current)
    if kept is None or now - kept.made > MAX_AGE:
        body, media_type = make()
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        kept = Rendered(body, media_type, etag, now)
        with _lock:
            _kept[current] = kept
            _kept.move_to_end(current)
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    sent = {
        "ETag": kept.etag,
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Vary": "Accept-Language, Cookie",
        **(headers or {}),
    }
    if request.headers.get("if-none-match") == kept.etag:
        return Response(status_code=304, headers=sent)
    return Response(kept.body, media_type=kept.media_type, headers=sent)


def forget() -> None:
    """Drop every rendering (tests; a change of settings)."""
    with _lock:
        _kept.clear()
