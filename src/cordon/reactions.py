"""Who reacts to what: the one place where cross-feature reactions are wired, in order.

A case confirmed or discarded, an exposure recorded or removed, two people merged, a registry
loaded: each moves the F-tiers (``cordon.tracing``) in the same transaction; the tiers that
moved propose isolation orders; a lab test meets sampling tasks and, when positive, raises a
flag; a case changed is counted again for the public (``cordon.public``); a person moved or
merged: each feature moves its own records (``people`` writes only people).

Reactions run in the order written, depth first: the tier engine's ``TiersMoved`` is handled
completely inside the reaction that moved the tiers. So on a merge every feature first moves
the duplicate's rows to the kept person, and only then does the tier engine move the tiers
(and isolation follow them) — the kept person's orders are then the ones it judges. The
table, nested events included, is in docs/architecture.md ("Domain events").
"""

from __future__ import annotations

from cordon.cases import follow as cases
from cordon.core.events import Reactions
from cordon.events import (
    CaseChanged,
    ExposuresAdded,
    ExposuresRemoved,
    LabTested,
    PersonMoved,
    PersonsMerged,
    RegistryLoaded,
    TiersMoved,
)
from cordon.exposures import service as exposures
from cordon.handovers import service as handovers
from cordon.isolation import proposals as isolation
from cordon.isolation import tasks as lab_tasks
from cordon.isolation.release import Held
from cordon.monitoring import service as monitoring
from cordon.network import shares
from cordon.outreach import service as outreach
from cordon.public import counts as public
from cordon.tracing import service as tracing

REACTIONS = (
    Reactions()
    .on(CaseChanged, tracing.on_case_changed, public.on_case_changed)
    .on(ExposuresAdded, tracing.on_exposures_added, isolation.on_exposures_added)
    .on(ExposuresRemoved, tracing.on_exposures_removed)
    .on(
        PersonsMerged,
        # the duplicate's rows first …
        cases.on_persons_merged,
        exposures.on_persons_merged,
        outreach.on_persons_merged,
        handovers.on_persons_merged,
        shares.on_persons_merged,
        isolation.on_persons_merged,
        monitoring.on_persons_merged,
        # … then the tiers, and the orders that follow them
        tracing.on_persons_merged,
        public.on_persons_merged,
    )
    .on(
        PersonMoved,
        # the records that carry the person's ward follow them, then the counts
        cases.on_person_moved,
        tracing.on_person_moved,
        isolation.on_person_moved,
        monitoring.on_person_moved,
        public.on_person_moved,
    )
    .on(RegistryLoaded, tracing.on_registry_loaded, public.on_registry_loaded)
    .on(TiersMoved, isolation.on_tiers_moved)
    .on(LabTested, lab_tasks.on_lab_tested, monitoring.on_lab_tested)
)

# What holds an isolation order's release besides the rule's own conditions (period, tests),
# by reason, in the order the reasons are shown: isolation asks, without importing who answers.
RELEASE_HOLDS: tuple[tuple[str, Held], ...] = ((monitoring.FLAG_OPEN, monitoring.orders_flagged),)
