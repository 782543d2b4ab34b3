"""Shared by the tests of pages (tests/ is on the path: ``from pagekit import …``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
Browser = Callable[..., TestClient]


def csrf_of(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]
