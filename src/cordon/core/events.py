"""Domain events: a service announces what happened; reactions (``cordon.reactions``) follow.

Handlers run synchronously inside the publishing transaction, so a case confirmed and the
tiers it moves are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Event:
    cause: str  # human words for the history: "case BN17 confirmed"


@dataclass(frozen=True)
class CaseChanged(Event):
    """A case was created or its status or dates changed."""

    case_id: int
    person_id: int
    was_f0: bool
    is_f0: bool
    window_changed: bool = False  # onset/sample/isolation dates moved


@dataclass(frozen=True)
class ExposuresAdded(Event):
    exposure_ids: tuple[int, ...]


@dataclass(frozen=True)
class ExposuresRemoved(Event):
    """Exposures deleted or changed (dates, closeness): labels that came through them must go."""

    exposure_ids: tuple[int, ...]
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class PersonsMerged(Event):
    kept_id: int
    merged_id: int


@dataclass(frozen=True)
class PersonMoved(Event):
    """A person's ward changed (their records followed them: ADR 0007)."""

    person_id: int
    from_ward: int | None
    to_ward: int | None


@dataclass(frozen=True)
class TiersMoved(Event):
    """People whose tier moved (appeared, changed or fell away) in one cascade or whole-city
    pass: each as (person, new tier or None). Published by the tier engine after it wrote
    them, in the same transaction.

    ``last_exposed``: for moved people with a tier above 0 whose exposures the cascade read
    anyway, the last day of a counted exposure to someone of a lower tier (the day their
    quarantine counts from). Others, and a whole-city pass, leave it to the reader."""

    moves: tuple[tuple[int, int | None], ...]
    last_exposed: dict[int, dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class LabTested(Event):
    """A lab test of a person was recorded (of a case, or of a contact in isolation): their
    sampling tasks are met, and a positive result raises a flag."""

    person_id: int
    lab_test_id: int
    sample_taken_on: dt.date
    positive: bool


@dataclass(frozen=True)
class RegistryLoaded(Event):
    """Many records at once (an import, a demo): tiers are brought up to date in one pass."""

    case_ids: tuple[int, ...] = ()
    exposure_ids: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Session, Any], None]
# Extra listeners, run after the reactions (tests spy on events here). The product's own
# reactions are not registered by import side effects: they are the explicit table
# ``cordon.reactions.REACTIONS``.
_handlers: dict[type[Event], list[Handler]] = defaultdict(list)


def publish(session: Session, event: Event) -> None:
    """Run the reactions to ``event`` (``cordon.reactions``), then any extra listeners."""
    from cordon.reactions import REACTIONS

    for handler in REACTIONS.get(type(event), ()):
        handler(session, event)
    for listener in list(_handlers.get(type(event), ())):
        listener(session, event)
