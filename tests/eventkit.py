"""Recording the domain events a test causes, through the bus's public ``listening``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

from cordon.core.events import Event, listening

E = TypeVar("E", bound=Event)


@contextmanager
def recording(kind: type[E]) -> Iterator[list[E]]:
    """``with recording(CaseChanged) as seen:`` — every ``kind`` published inside the block,
    in order, appended to ``seen`` after its reactions ran."""
    seen: list[E] = []

    def note(_session: Session, event: E) -> None:
        seen.append(event)

    with listening(kind, note):
        yield seen
