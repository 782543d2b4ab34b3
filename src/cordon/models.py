"""Every table of Cordon, imported in one place so Alembic and the tests see the whole schema."""

from cordon.access.models import ApiToken, LoginFailure, RecoveryCode, User, WebSession
from cordon.audit.models import AuditEntry, AuditHead, AuditSubject
from cordon.cases.models import Case, CaseStatusChange, InfectionSource, LabTest
from cordon.clusters.models import Cluster, ClusterCase
from cordon.core.db import Base
from cordon.exposures.models import EventExposure, Exposure
from cordon.facilities.models import Facility
from cordon.geography.models import AdminUnit
from cordon.handovers.models import Handover
from cordon.isolation.models import IsolationOrder, LabTask, Transfer
from cordon.linelists.models import ImportJob
from cordon.monitoring.models import Flag, SelfReport
from cordon.network.models import (
    NetworkMessage,
    NodeIdentity,
    NodeKey,
    Peer,
    PeerKey,
    PersonShare,
    SituationReport,
)
from cordon.network.resource_models import ResourceExchange, ResourceItem, ResourceStep
from cordon.network.warning_models import EarlyWarning
from cordon.outbox.models import OutboxMessage
from cordon.outreach.models import ReachAttempt
from cordon.people.models import Household, Person, PersonNameToken
from cordon.public.models import DailyCount, Freshness
from cordon.scenarios.models import ScenarioRun
from cordon.tracing.models import PersonTier, TierChange, TierLabel

__all__ = [
    "AdminUnit",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "AuditSubject",
    "Base",
    "Case",
    "CaseStatusChange",
    "Cluster",
    "ClusterCase",
    "DailyCount",
    "EarlyWarning",
    "EventExposure",
    "Exposure",
    "Facility",
    "Flag",
    "Freshness",
    "Handover",
    "Household",
    "ImportJob",
    "InfectionSource",
    "IsolationOrder",
    "LabTask",
    "LabTest",
    "LoginFailure",
    "NetworkMessage",
    "NodeIdentity",
    "NodeKey",
    "OutboxMessage",
    "Peer",
    "PeerKey",
    "Person",
    "PersonNameToken",
    "PersonShare",
    "PersonTier",
    "ReachAttempt",
    "RecoveryCode",
    "ResourceExchange",
    "ResourceItem",
    "ResourceStep",
    "ScenarioRun",
    "SelfReport",
    "SituationReport",
    "TierChange",
    "TierLabel",
    "Transfer",
    "User",
    "WebSession",
]
