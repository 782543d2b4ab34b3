"""Roles as data: the permission catalogue and the role file (built-in + the city's own)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import model_validator

from cordon.core.rulesets import Flag, Rule, RuleFile, RuleSet, Text, choice

BUILT_IN = Path(__file__).with_name("roles.toml")


class Permission(StrEnum):
    """What a role may do. Reading always stays inside the user's jurisdiction."""

    geography_read = "geography.read"
    people_read = "people.read"
    people_write = "people.write"
    people_merge = "people.merge"
    cases_read = "cases.read"
    cases_write = "cases.write"
    lab_write = "lab.write"
    exposures_read = "exposures.read"
    exposures_write = "exposures.write"
    tracing_read = "tracing.read"
    tracing_recompute = "tracing.recompute"
    clusters_read = "clusters.read"
    clusters_write = "clusters.write"
    handovers = "handovers"
    isolation_read = "isolation.read"
    isolation_write = "isolation.write"
    facilities_manage = "facilities.manage"
    import_ = "import"
    export = "export"
    aggregates_read = "aggregates.read"
    audit_read = "audit.read"
    users_manage = "users.manage"
    tokens_own = "tokens.own"
    outbox_read = "outbox.read"
    scenarios_read = "scenarios.read"
    scenarios_run = "scenarios.run"
    network_read = "network.read"
    network_send = "network.send"
    network_manage = "network.manage"


class Jurisdiction(StrEnum):
    unit = "unit"  # the subtree of the user's city, district or ward
    facility = "facility"  # the people placed in the user's isolation facility


class Role(Rule):
    """A role: its key (``id``, the key of its table in the file) and what it may do."""

    title: Text
    title_vi: Text
    permissions: frozenset[Annotated[Permission, choice(Permission)]]
    jurisdiction: Annotated[Jurisdiction, choice(Jurisdiction)] = Jurisdiction.unit
    pseudonymised: Flag = False
    two_factor: Flag = False

    @model_validator(mode="before")
    @classmethod
    def _vietnamese_title_else_english(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title_vi" not in data and "title" in data:
            return {**data, "title_vi": data["title"]}
        return data


# the built-in roles, and a city's own over them (a role of its file replaces the built-in
# role of the same key)
ROLES = RuleFile(
    Role, "roles", "role", BUILT_IN, setting="roles_file", keyed=True, over_built_in=True
)


def roles() -> RuleSet[Role]:
    """Every role of this installation: the built-in ones, then the city's file over them."""
    return ROLES.get()


def role(key: str) -> Role:
    """The role called ``key``; ``UnknownRule`` names the roles there are."""
    return roles().by_code(key)
