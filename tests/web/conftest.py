from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pagekit import PASSWORD, Browser
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.access.models import User
from cordon.core.security import hash_password


@pytest.fixture
def browser(engine: Engine, hanoi: Session) -> Iterator[Browser]:
    """``browser(role, unit_code)``: a client of its own signed in through the sign-in
    page, as a new user of that role at that unit (its session cookie kept, like a browser)."""
    from cordon.api import create_app

    opened: list[TestClient] = []

    def make(role: str = "ward_worker", unit_code: str = "00001", lang: str = "vi") -> TestClient:
        from cordon.geography.models import AdminUnit

        unit = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.code == unit_code))
        username = f"{role}-{unit_code}"
        hanoi.add(
            User(
                username=username,
                display_name=username,
                role=role,
                unit_id=unit,
                language=lang,
                password_hash=hash_password(PASSWORD),
                must_change_password=False,
                totp_enabled=False,
                failed_logins=0,
            )
        )
        hanoi.commit()
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
