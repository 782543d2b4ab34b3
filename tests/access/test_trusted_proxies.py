"""X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies that
CORDON_TRUSTED_PROXIES names (none by default): otherwise any client — even one on the same
machine — could choose the address that the sign-in limit and the audit log see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.models import LoginFailure
from cordon.core.config import get_settings

FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def _app_with(monkeypatch: pytest.MonkeyPatch, trusted: str | None) -> TestClient:
    from cordon.api import create_app

    if trusted is None:
        monkeypatch.delenv("CORDON_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("CORDON_TRUSTED_PROXIES", trusted)
    get_settings.cache_clear()
    return TestClient(create_app(), client=("127.0.0.1", 50000))


@pytest.fixture(autouse=True)
def _settings_again() -> Iterator[None]:
    yield
    get_settings.cache_clear()


def _failed_from(client: TestClient, hanoi: Session) -> tuple[list[str], str]:
    answer = client.post(
        "/api/v1/auth/sign-in", json={"username": "nobody", "password": "x"}, headers=FORGED
    )
    assert answer.status_code == 401
    hanoi.expire_all()
    return list(hanoi.scalars(select(LoginFailure.client_address))), answer.headers.get(
        "set-cookie", ""
    )


def test_a_local_client_cannot_choose_its_address(
    engine: object, hanoi: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _app_with(monkeypatch, None)
    addresses, _ = _failed_from(client, hanoi)
    assert addresses == ["127.0.0.1"]  # the connecting address, not the forged one


def test_a_named_proxy_is_believed(
    engine: object, hanoi: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _app_with(monkeypatch, "127.0.0.1, 10.0.0.0/8")
    addresses, _ = _failed_from(client, hanoi)
    assert addresses == ["203.0.113.9"]
    other = TestClient(client.app, client=("192.0.2.50", 50000))  # not a proxy of ours
    other.post("/api/v1/auth/sign-in", json={"username": "nobody", "password": "x"}, headers=FORGED)
    hanoi.expire_all()
    assert sorted(hanoi.scalars(select(LoginFailure.client_address))) == [
        "192.0.2.50",
        "203.0.113.9",
    ]


def test_the_server_leaves_forwarded_headers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cordon serve` switches uvicorn's own proxy handling off (it would trust 127.0.0.1)."""
    import uvicorn

    from cordon.cli.serve import serve

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    serve(host=None, port=None)
    assert seen["proxy_headers"] is False
