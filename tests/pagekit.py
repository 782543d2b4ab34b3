"""Shared by the tests of pages (tests/ is on the path: ``from pagekit import …``)."""

from __future__ import annotations

from typing import Protocol

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"


class Browser(Protocol):
    """The ``browser`` fixture: a client of its own, signed in through the sign-in page as a
    new user of ``role`` at ``unit_code``."""

    def __call__(self, role: str = ..., unit_code: str = ..., lang: str = ...) -> TestClient: ...


def csrf_of(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]
