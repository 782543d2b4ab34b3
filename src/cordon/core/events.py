"""Domain events, the mechanism: a service publishes what happened; the reactions to it run.

Which events there are is ``cordon.events``; who reacts to which, in what order, is the
table ``cordon.reactions.REACTIONS``, installed at start (``cordon.wiring.start``). Core
knows neither: it holds only the table it was given.

Handlers run synchronously inside the publishing transaction, so a case confirmed and the
tiers it moves are committed together or not at all. A reaction that publishes an event of
its own runs that event's reactions there and then, before the next reaction of the outer
event (depth first: docs/architecture.md, "Domain events").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Event:
    cause: str  # human words for the history: "case BN17 confirmed"


E = TypeVar("E", bound=Event)
Handler: TypeAlias = Callable[[Session, E], object]


class Reactions:
    """Who reacts to which event, in order. Built with ``on``, which takes only handlers of
    the event it names (mypy checks each; tests/test_reactions.py checks their annotations)."""

    def __init__(self) -> None:
        self._table: dict[type[Event], tuple[Handler[Any], ...]] = {}

    def on(self, kind: type[E], *handlers: Handler[E]) -> Reactions:
        if kind in self._table:
            raise ValueError(f"{kind.__name__} has its reactions already")
        self._table[kind] = handlers
        return self

    def to(self, kind: type[Event]) -> tuple[Handler[Any], ...]:
        return self._table.get(kind, ())

    def table(self) -> Mapping[type[Event], tuple[Handler[Any], ...]]:
        return dict(self._table)


class Bus:
    """Runs the installed reactions to each event published, then any listeners (tests record
    events with ``listening``)."""

    def __init__(self) -> None:
        self.reactions: Reactions | None = None
        self._listeners: list[tuple[type[Event], Handler[Any]]] = []

    def publish(self, session: Session, event: Event) -> None:
        if self.reactions is None:
            raise RuntimeError(
                f"{type(event).__name__} published but no reactions are installed: "
                "the program must call cordon.wiring.start() when it starts"
            )
        for handler in self.reactions.to(type(event)):
            handler(session, event)
        for kind, listener in list(self._listeners):
            if type(event) is kind:
                listener(session, event)

    @contextmanager
    def listening(self, kind: type[E], listener: Handler[E]) -> Iterator[None]:
        entry: tuple[type[Event], Handler[Any]] = (kind, listener)
        self._listeners.append(entry)
        try:
            yield
        finally:
            self._listeners.remove(entry)


bus = Bus()  # the process's one bus; ``install`` gives it its table


def install(reactions: Reactions) -> None:
    """Give the bus its table (``cordon.wiring.start``; a benchmark may swap in another)."""
    bus.reactions = reactions


def installed() -> Reactions | None:
    return bus.reactions


def publish(session: Session, event: Event) -> None:
    """Run the installed reactions to ``event``, in order, in ``session``'s transaction."""
    bus.publish(session, event)


@contextmanager
def listening(kind: type[E], listener: Handler[E]) -> Iterator[None]:
    """While in this context, ``listener`` is told of every ``kind`` published too, after
    the reactions (for tests: tests/eventkit.py ``recording``)."""
    with bus.listening(kind, listener):
        yield
