"""The test database: a fresh SQLite file, or a private schema on PostgreSQL, migrated by Alembic.

``CORDON_TEST_DB=postgresql`` runs the whole suite on PostgreSQL (``CORDON_TEST_POSTGRES_URL``,
default the local ``test`` database). With ``CORDON_REQUIRE_POSTGRES=1`` (CI) an unreachable
server fails the run instead of skipping it. Every test starts from empty tables.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cordon import wiring
from cordon.cases import service as case_service
from cordon.cases.enums import CaseStatus
from cordon.cases.models import Case
from cordon.core import rulesets
from cordon.core.config import get_settings
from cordon.core.db import get_engine, make_engine, new_session
from cordon.core.migrate import upgrade
from cordon.isolation import regimes
from cordon.models import Base
from cordon.people.bulk import PersonRow, insert_people
from pagekit import PASSWORD, Browser

wiring.start()  # as the app and the CLI do: reactions, audit listeners, the bulk-insert hook

TEST_DB = os.environ.get("CORDON_TEST_DB", "sqlite")
PG_URL = os.environ.get(
    "CORDON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_schema() -> tuple[str, str]:
    schema = f"cordon_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        if os.environ.get("CORDON_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable at {PG_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    finally:
        admin.dispose()
    return schema, f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    schema = None
    if TEST_DB == "postgresql":
        schema, url = _postgres_schema()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'cordon.db'}"
    os.environ["CORDON_DATABASE_URL"] = url
    get_settings.cache_clear()
    get_engine.cache_clear()
    eng = get_engine()
    upgrade(eng)
    yield eng
    eng.dispose()
    if schema:
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _empty_tables(eng: Engine) -> None:
    """Empty every table — the append-only audit log too, by stepping around its triggers
    (replica mode on PostgreSQL; dropped and re-created on SQLite)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
        saved = list(triggers)
        for name, _ in saved:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))
        for _, sql in saved:
            conn.execute(text(sql))


@pytest.fixture(autouse=True)
def _fresh_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    if "engine" not in request.fixturenames:
        yield
        return
    eng: Engine = request.getfixturevalue("engine")
    yield
    _empty_tables(eng)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    s = new_session(engine)
    yield s
    s.rollback()
    s.close()


def sign_in_as(
    session: Session, role: str, unit_code: str = "01", username: str | None = None
) -> dict[str, str]:
    """Headers of a user of ``role`` at ``unit_code`` with a token of all its permissions.
    (Hanoi's units must be loaded.) The password is unusable: tests of passwords make their
    own accounts."""
    from cordon.access import service as access
    from cordon.access.models import User
    from cordon.access.roles import role as role_of
    from cordon.geography.models import AdminUnit

    unit = session.scalar(select(AdminUnit.id).where(AdminUnit.code == unit_code))
    assert unit is not None, f"no unit {unit_code}"
    user = User(
        username=username or f"{role}-{unit_code}",
        display_name=role,
        role=role,
        unit_id=unit,
        password_hash="!",
        must_change_password=False,
        totp_enabled=False,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    scopes = sorted(role_of(role).permissions)
    _, secret = access.create_token(session, user=user, name="tests", scopes=scopes, days=1)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


class SignIn(Protocol):
    """The ``sign_in`` fixture: headers of a new user of ``role`` at ``unit_code``."""

    def __call__(
        self, role: str, unit_code: str = ..., username: str | None = ...
    ) -> dict[str, str]: ...


@pytest.fixture
def sign_in(hanoi: Session) -> SignIn:
    """``sign_in(role, unit_code)`` → headers of a new user of that role at that unit."""

    def make(role: str, unit_code: str = "01", username: str | None = None) -> dict[str, str]:
        return sign_in_as(hanoi, role, unit_code, username)

    return make


class Account(Protocol):
    """The ``account`` fixture: a user who signs in with ``password``."""

    def __call__(
        self,
        username: str,
        role: str,
        unit_code: str = ...,
        *,
        password: str,
        display_name: str | None = ...,
        language: str = ...,
    ) -> None: ...


@pytest.fixture
def account(hanoi: Session) -> Account:
    """``account(username, role, unit_code, password=…, display_name=…)``: a user who signs
    in with that password, nothing pending (no password change, no two-factor enrolment)."""
    from cordon.access.models import User
    from cordon.core.security import hash_password
    from cordon.geography.models import AdminUnit

    def make(
        username: str,
        role: str,
        unit_code: str = "01",
        *,
        password: str,
        display_name: str | None = None,
        language: str = "vi",
    ) -> None:
        unit = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == unit_code))
        assert unit is not None, f"no unit {unit_code}"
        hanoi.add(
            User(
                username=username,
                display_name=display_name or username,
                role=role,
                unit_id=unit,
                language=language,
                password_hash=hash_password(password),
                must_change_password=False,
                totp_enabled=False,
                failed_logins=0,
            )
        )
        hanoi.commit()

    return make


@pytest.fixture
def browser(account: Account) -> Iterator[Browser]:
    """``browser(role, unit_code, lang=…)``: a client of its own signed in through the sign-in
    page, as a new user of that role at that unit (its session cookie kept, like a browser)."""
    from cordon.api import create_app

    opened: list[TestClient] = []

    def make(role: str = "ward_worker", unit_code: str = "00001", lang: str = "vi") -> TestClient:
        username = f"{role}-{unit_code}"
        account(username, role, unit_code, password=PASSWORD, language=lang)
        client = TestClient(create_app(), raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        response = client.post(
            "/sign-in",
            data={"username": username, "password": PASSWORD, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def anonymous(engine: Engine) -> Iterator[TestClient]:
    """The app with no credentials."""
    from cordon.api import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def client(anonymous: TestClient, hanoi: Session) -> TestClient:
    """Signed in as a city-level epidemiologist with every permission of an administrator
    (the whole city in sight): what feature tests need; access tests use other users."""
    anonymous.headers.update(sign_in_as(hanoi, "city_admin", username="tester"))
    return anonymous


@pytest.fixture
def hanoi(session: Session) -> Session:
    """Hanoi's 30 districts and 579 wards loaded; returns the session."""
    from cordon.geography.service import load_city

    load_city(session)
    session.commit()
    return session


ROOT = Path(__file__).resolve().parents[1]


# -- factories shared by feature tests -----------------------------------------------------


class MakePerson(Protocol):
    """The ``make_person`` fixture: a committed person's id."""

    def __call__(self, name: str = ..., ward_id: int | None = ...) -> int: ...


class MakeCase(Protocol):
    """The ``make_case`` fixture: a committed case (any column of ``create_case`` by name)."""

    def __call__(self, code: str, status: CaseStatus = ..., **fields: Any) -> Case: ...


@pytest.fixture
def make_person(session: Session) -> MakePerson:
    def make(name: str = "Nguyễn Văn An", ward_id: int | None = None) -> int:
        (pid,) = insert_people(session, [PersonRow(full_name=name, ward_id=ward_id)])
        session.commit()
        return pid

    return make


@pytest.fixture
def make_case(session: Session, make_person: MakePerson) -> MakeCase:
    """A committed case: confirmed on 2020-03-06 unless told otherwise."""

    def make(code: str, status: CaseStatus = CaseStatus.confirmed, **fields: Any) -> Case:
        if status == CaseStatus.confirmed:
            fields.setdefault("confirmed_on", dt.date(2020, 3, 6))
        person_id = fields.pop("person_id", None) or make_person()
        case = case_service.create_case(
            session, person_id=person_id, status=status, code=code, created_by="test", **fields
        )
        session.commit()
        return case

    return make


# -- isolation ---------------------------------------------------------------------------

# A city's own regime in force today, with the 2020 rules: F1 14 days in a facility then 14
# days of monitoring, tested on days 1 and 7; F2 14 days at home.
CITY_REGIME = """
[[regime]]
id = "city-2026"
effective_from = 2026-01-01
title = "City regime: the 2020 rules, with tests"
legal_basis = "Quyết định của UBND thành phố (thử nghiệm)"

  [[regime.rule]]
  tier = 1
  stays = [{ place = "facility", days = 14 }, { place = "monitoring", days = 14 }]
  test_days = [1, 7]

  [[regime.rule]]
  tier = 2
  stays = [{ place = "home", days = 14 }]
  test_days = []
"""


@pytest.fixture
def city_regime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The city's own regime file in force (the built-in Vietnamese regimes end quarantine
    in April 2022)."""
    path = tmp_path / "regimes.toml"
    path.write_text(regimes.BUILT_IN.read_text(encoding="utf-8") + CITY_REGIME, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "regime_file", path)
    rulesets.clear()
    yield
    rulesets.clear()
