"""FastAPI dependencies as ``Annotated`` aliases: one request = one unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cordon.core.db import new_session, unit_of_work

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """Commits when the route returns, before the response leaves; rolls back on any error.
    A safe request (GET …) is marked so: it writes nothing but the audit of what it read."""
    session = new_session()
    session.info["safe_request"] = request.method in SAFE_METHODS
    with unit_of_work(session):
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
