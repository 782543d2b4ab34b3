"""Who may call a route: one alias per permission, defined here once for every feature's
routes (``who: CasesReader``) — signed in, and the role may do it (``deps.need``)."""

from __future__ import annotations

from typing import Annotated

from cordon.access.deps import need
from cordon.access.principal import Principal
from cordon.access.roles import Permission
from cordon.core.errors import Forbidden

AuditReader = Annotated[Principal, need(Permission.audit_read)]
CasesReader = Annotated[Principal, need(Permission.cases_read)]
CasesWriter = Annotated[Principal, need(Permission.cases_write)]
ClustersReader = Annotated[Principal, need(Permission.clusters_read)]
ClustersWriter = Annotated[Principal, need(Permission.clusters_write)]
ExposuresReader = Annotated[Principal, need(Permission.exposures_read)]
ExposuresWriter = Annotated[Principal, need(Permission.exposures_write)]
FacilitiesManager = Annotated[Principal, need(Permission.facilities_manage)]
HandoverHandler = Annotated[Principal, need(Permission.handovers)]
IsolationReader = Annotated[Principal, need(Permission.isolation_read)]
IsolationWriter = Annotated[Principal, need(Permission.isolation_write)]
NetworkManager = Annotated[Principal, need(Permission.network_manage)]
NetworkReader = Annotated[Principal, need(Permission.network_read)]
NetworkSender = Annotated[Principal, need(Permission.network_send)]
LabWriter = Annotated[Principal, need(Permission.lab_write)]
OutboxReader = Annotated[Principal, need(Permission.outbox_read)]
PeopleMerger = Annotated[Principal, need(Permission.people_merge)]
PeopleReader = Annotated[Principal, need(Permission.people_read)]
PeopleWriter = Annotated[Principal, need(Permission.people_write)]
ScenariosReader = Annotated[Principal, need(Permission.scenarios_read)]
ScenarioRunner = Annotated[Principal, need(Permission.scenarios_run)]
TierRecomputer = Annotated[Principal, need(Permission.tracing_recompute)]
TokensOwner = Annotated[Principal, need(Permission.tokens_own)]
TracingReader = Annotated[Principal, need(Permission.tracing_read)]
UsersManager = Annotated[Principal, need(Permission.users_manage)]


def city_level(who: Principal, detail: str) -> None:
    """403 saying ``detail`` unless ``who`` sees the whole city (what speaks for the city,
    or holds the whole city's records, is for city-level users only)."""
    if not who.scope.whole_city:
        raise Forbidden(detail)
