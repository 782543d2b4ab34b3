"""A person's cases follow them: to the ward they moved to, and to the kept record when two
records of one person are merged (reactions to ``PersonMoved`` and ``PersonsMerged``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cordon.cases.models import Case, LabTest
from cordon.core.db import move_person_rows, set_ward_copies
from cordon.events import PersonMoved, PersonsMerged
from cordon.people import service as people


def on_person_moved(session: Session, event: PersonMoved) -> None:
    """The person's cases are seen in the ward the person lives in now (ADR 0007)."""
    set_ward_copies(session, Case, person_id=event.person_id, ward_id=event.to_ward)


def on_persons_merged(session: Session, event: PersonsMerged) -> None:
    """The duplicate's cases and lab tests become the kept person's, seen in the kept
    person's ward — before the other features react (the tier engine reads the cases)."""
    move_person_rows(session, Case, LabTest, merged_id=event.merged_id, kept_id=event.kept_id)
    ward = people.ward_of(session, event.kept_id)
    set_ward_copies(session, Case, person_id=event.kept_id, ward_id=ward)
