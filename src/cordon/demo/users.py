"""One demo account per role, so every view of the system can be tried at once.

Passwords are random, printed once on the console by ``cordon demo``; never a default. Demo
accounts need not change them at first sign-in; roles that demand two-factor sign-in (the
administrator, the auditor) ask for enrolment of an authenticator app first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access import service
from cordon.access.models import User

# username, role, unit code (Hanoi: 01 the city, 001 Ba Đình district, 00001 Phúc Xá ward)
DEMO_USERS = (
    ("admin", "city_admin", "01"),
    ("epi", "epidemiologist", "01"),
    ("badinh", "district_officer", "001"),
    ("phucxa", "ward_worker", "00001"),
    ("facility", "facility_manager", "01"),
    ("lab", "lab", "01"),
    ("analyst", "analyst", "01"),
    ("auditor", "auditor", "01"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit_code: str
    password: str


def create_demo_users(session: Session) -> list[DemoUser]:
    """The demo accounts that do not exist yet, with their passwords (to print once)."""
    taken = set(session.scalars(select(User.username)))
    made = []
    for username, role, unit in DEMO_USERS:
        if username in taken:
            continue
        user, password = service.create_user(
            session, username=username, display_name=f"Demo {role}", role_key=role, unit_code=unit
        )
        user.must_change_password = False
        made.append(DemoUser(username, role, unit, password))
    return made
