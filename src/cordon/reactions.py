"""Who reacts to what: the one place where cross-feature reactions are wired.

A case confirmed or discarded, an exposure recorded or removed, two people merged, a registry
loaded: each moves the F-tiers (``cordon.tracing``) in the same transaction. Later features
(isolation orders, messages, public aggregates) subscribe here too.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cordon.core import events
from cordon.tracing import service as tracing


@events.subscribe(events.CaseChanged)
def _tiers_follow_case(session: Session, event: events.CaseChanged) -> None:
    tracing.on_case_changed(session, event)


@events.subscribe(events.ExposuresAdded)
def _tiers_follow_new_exposures(session: Session, event: events.ExposuresAdded) -> None:
    tracing.on_exposures_added(session, event)


@events.subscribe(events.ExposuresRemoved)
def _tiers_follow_removed_exposures(session: Session, event: events.ExposuresRemoved) -> None:
    tracing.on_exposures_removed(session, event)


@events.subscribe(events.PersonsMerged)
def _tiers_follow_merge(session: Session, event: events.PersonsMerged) -> None:
    tracing.on_persons_merged(session, event)


@events.subscribe(events.RegistryLoaded)
def _tiers_follow_bulk_load(session: Session, event: events.RegistryLoaded) -> None:
    tracing.on_registry_loaded(session, event)
