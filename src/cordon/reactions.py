"""Who reacts to what: the one place where cross-feature reactions are wired.

A case confirmed or discarded, an exposure recorded or removed, two people merged, a registry
loaded: each moves the F-tiers (``cordon.tracing``) in the same transaction; the tiers that
moved propose isolation orders; a lab test meets sampling tasks and, when positive, raises a
flag; a case changed is counted again for the public (``cordon.public``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from cordon.core import events
from cordon.handovers import service as handovers
from cordon.isolation import proposals as isolation
from cordon.isolation import tasks as lab_tasks
from cordon.monitoring import service as monitoring
from cordon.outreach import service as outreach
from cordon.public import counts as public
from cordon.tracing import service as tracing

REACTIONS: dict[type[events.Event], tuple[Callable[[Session, Any], object], ...]] = {
    events.CaseChanged: (tracing.on_case_changed, public.on_case_changed),
    events.ExposuresAdded: (tracing.on_exposures_added, isolation.on_exposures_added),
    events.ExposuresRemoved: (tracing.on_exposures_removed,),
    events.PersonsMerged: (
        tracing.on_persons_merged,
        outreach.on_persons_merged,
        handovers.on_persons_merged,
        isolation.on_persons_merged,
        public.on_persons_merged,
    ),
    events.PersonMoved: (public.on_person_moved,),
    events.RegistryLoaded: (tracing.on_registry_loaded, public.on_registry_loaded),
    events.TiersMoved: (isolation.on_tiers_moved,),
    events.LabTested: (lab_tasks.on_lab_tested, monitoring.on_lab_tested),
}
