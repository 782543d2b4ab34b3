"""What happens in one feature that others react to: the domain events, one contract for
every feature (ADR 0017). A service publishes them (``cordon.core.events.publish``) after
flushing its writes; ``cordon.reactions`` says who reacts, in what order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cordon.core.events import Event


@dataclass(frozen=True)
class CaseChanged(Event):
    """A case was created or its status or dates changed (``cases``)."""

    case_id: int
    person_id: int
    was_f0: bool
    is_f0: bool
    window_changed: bool = False  # onset/sample/isolation dates moved


@dataclass(frozen=True)
class LabTested(Event):
    """A lab test of a person was recorded (of a case, or of a contact in isolation): their
    sampling tasks are met, and a positive result raises a flag (``cases``)."""

    person_id: int
    lab_test_id: int
    sample_taken_on: dt.date
    positive: bool


@dataclass(frozen=True)
class ExposuresAdded(Event):
    """Exposures recorded (``exposures``)."""

    exposure_ids: tuple[int, ...]


@dataclass(frozen=True)
class ExposuresRemoved(Event):
    """Exposures deleted or changed (dates, closeness): labels that came through them must go
    (``exposures``)."""

    exposure_ids: tuple[int, ...]
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class PersonsMerged(Event):
    """Two records of one person merged (``people``): each feature moves the duplicate's rows
    to the kept person (the cases and exposures first, the tier engine after them)."""

    kept_id: int
    merged_id: int


@dataclass(frozen=True)
class PersonMoved(Event):
    """A person's ward changed (``people``): the records that carry a copy of it follow them,
    each feature its own (ADR 0007)."""

    person_id: int
    from_ward: int | None
    to_ward: int | None


@dataclass(frozen=True)
class TiersMoved(Event):
    """People whose tier moved (appeared, changed or fell away) in one cascade or whole-city
    pass: each as (person, new tier or None). Published by the tier engine (``tracing``)
    after it wrote them, in the same transaction — from inside the reaction to another event.

    ``last_exposed``: for moved people with a tier above 0 whose exposures the cascade read
    anyway, the last day of a counted exposure to someone of a lower tier (the day their
    quarantine counts from). Others, and a whole-city pass, leave it to the reader."""

    moves: tuple[tuple[int, int | None], ...]
    last_exposed: dict[int, dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistryLoaded(Event):
    """Many records at once (an import, a demo): tiers are brought up to date in one pass
    (``linelists``, ``demo``)."""

    case_ids: tuple[int, ...] = ()
    exposure_ids: tuple[int, ...] = ()
    # Cases loaded, also when they are too many to list by id (both id lists then empty:
    # the reactions take the whole city).
    case_count: int = 0
