"""Who is asking: the user, what they may do here, and where (their jurisdiction)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.access.roles import Jurisdiction, Permission, Role, role
from cordon.core.errors import Forbidden
from cordon.core.scope import Scope
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit


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


def jurisdiction(session: Session, user: User, user_role: Role) -> Scope:
    """The user's unit as a set of wards: the city sees all, a district its wards."""
    if user_role.jurisdiction is Jurisdiction.facility:
        # People are placed in facilities by isolation orders (issue 5): none yet.
        return Scope(wards=None, people=frozenset())
    level = session.scalar(select(AdminUnit.level).where(AdminUnit.id == user.unit_id))
    if level is UnitLevel.city:
        return Scope.city()
    if level is UnitLevel.ward:
        return Scope(wards=frozenset({user.unit_id}))
    wards = session.scalars(select(AdminUnit.id).where(AdminUnit.parent_id == user.unit_id))
    return Scope(wards=frozenset(wards))


def principal_of(
    session: Session,
    user: User,
    *,
    via: str,
    client_address: str | None,
    scopes: list[str] | None = None,
) -> Principal:
    user_role = role(user.role)
    permissions = user_role.permissions
    if scopes is not None:
        permissions = permissions & {Permission(s) for s in scopes}
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user_role,
        permissions=frozenset(permissions),
        scope=jurisdiction(session, user, user_role),
        unit_id=user.unit_id,
        client_address=client_address,
        via=via,
    )
