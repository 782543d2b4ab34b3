"""Who is asking: the user, what they may do here, and where (their jurisdiction)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from cordon.access.roles import Jurisdiction, Permission, Role, role
from cordon.core.errors import Forbidden
from cordon.core.scope import Scope
from cordon.facilities.models import Facility
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.isolation.enums import OPEN, Place
from cordon.isolation.models import IsolationOrder


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: Role
    permissions: frozenset[Permission]  # the role's, narrowed by a token's scopes
    scope: Scope
    unit_id: int
    client_address: str | None
    via: str  # "session" or "token"

    @property
    def pseudonymised(self) -> bool:
        return self.role.pseudonymised

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden(f"Your role ({self.role.title}) may not do this ({permission}).")


@dataclass(frozen=True)
class Account:
    """What authentication reads of a user, in the same query as the token or session."""

    user_id: int
    username: str
    role: str
    unit_id: int
    level: UnitLevel


_WARDS_OF = select(AdminUnit.id).where(AdminUnit.parent_id == bindparam("unit_id"))
_PLACED = (
    select(IsolationOrder.person_id)
    .join(Facility, Facility.id == IsolationOrder.facility_id)
    .where(
        Facility.manager_user_id == bindparam("user_id"),
        IsolationOrder.place == Place.facility,
        IsolationOrder.status.in_(sorted(OPEN)),
    )
)


def jurisdiction(session: Session, account: Account, user_role: Role) -> Scope:
    """The user's unit as a set of wards: the city sees all, a district its wards."""
    if user_role.jurisdiction is Jurisdiction.facility:
        # the people placed in the facility the user manages: its open isolation orders
        placed = session.connection().scalars(_PLACED, {"user_id": account.user_id})
        return Scope(wards=None, people=frozenset(placed))
    if account.level is UnitLevel.city:
        return Scope.city()
    if account.level is UnitLevel.ward:
        return Scope(wards=frozenset({account.unit_id}))
    wards = session.connection().scalars(_WARDS_OF, {"unit_id": account.unit_id})
    return Scope(wards=frozenset(wards))


def principal_of(
    session: Session,
    account: Account,
    *,
    via: str,
    client_address: str | None,
    scopes: list[str] | None = None,
) -> Principal:
    user_role = role(account.role)
    permissions = user_role.permissions
    if scopes is not None:
        permissions = permissions & {Permission(s) for s in scopes}
    return Principal(
        user_id=account.user_id,
        username=account.username,
        role=user_role,
        permissions=frozenset(permissions),
        scope=jurisdiction(session, account, user_role),
        unit_id=account.unit_id,
        client_address=client_address,
        via=via,
    )
