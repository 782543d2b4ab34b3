"""Roles as data: the permission catalogue and the role file (built-in + the city's own)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cordon.core.config import get_settings

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


class Jurisdiction(StrEnum):
    unit = "unit"  # the subtree of the user's city, district or ward
    facility = "facility"  # the people placed in the user's isolation facility


@dataclass(frozen=True)
class Role:
    key: str
    title: str
    title_vi: str
    permissions: frozenset[Permission]
    jurisdiction: Jurisdiction = Jurisdiction.unit
    pseudonymised: bool = False
    two_factor: bool = False


class RoleFileError(ValueError):
    pass


def _role(key: str, raw: dict[str, Any], source: Path) -> Role:
    try:
        permissions = frozenset(Permission(p) for p in raw["permissions"])
        return Role(
            key=key,
            title=str(raw["title"]),
            title_vi=str(raw.get("title_vi", raw["title"])),
            permissions=permissions,
            jurisdiction=Jurisdiction(raw.get("jurisdiction", "unit")),
            pseudonymised=bool(raw.get("pseudonymised", False)),
            two_factor=bool(raw.get("two_factor", False)),
        )
    except (KeyError, ValueError) as exc:
        raise RoleFileError(f"{source}: role {key!r}: {exc}") from exc


def read_roles(path: Path) -> dict[str, Role]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return {key: _role(key, raw, path) for key, raw in data.get("roles", {}).items()}


@lru_cache
def roles() -> dict[str, Role]:
    """Every role of this installation: the built-in ones, then the city's file over them."""
    found = read_roles(BUILT_IN)
    extra = get_settings().roles_file
    if extra is not None:
        found.update(read_roles(extra))
    return found


def role(key: str) -> Role:
    try:
        return roles()[key]
    except KeyError:
        raise RoleFileError(f"unknown role {key!r}; roles are: {', '.join(roles())}") from None
