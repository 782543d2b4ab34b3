from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pagekit import PASSWORD, Browser
from sqlalchemy.engine import Engine

from cordon.access import roles
from cordon.core.config import get_settings


@pytest.fixture
def browser(engine: Engine, account: Callable[..., None]) -> Iterator[Browser]:
    """``browser(role, unit_code)``: a client of its own signed in through the sign-in
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
def watcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A city's own role that reads isolation on pseudonymised data, and may change nothing."""
    path = tmp_path / "roles.toml"
    path.write_text(
        "[roles.isolation_watcher]\n"
        'title = "Isolation watcher"\n'
        "pseudonymised = true\n"
        'permissions = ["isolation.read", "people.read"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(get_settings(), "roles_file", path)
    roles.roles.cache_clear()
    yield
    roles.roles.cache_clear()
