"""FastAPI dependencies as ``Annotated`` aliases: one request = one unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from cordon.core.db import new_session


def get_session() -> Iterator[Session]:
    """Commits when the route returns, before the response leaves; rolls back on any error."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
