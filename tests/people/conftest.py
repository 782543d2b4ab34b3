"""Helpers for the people tests: people created through the HTTP API, a ward to live in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.people.models import Person

Create = Callable[..., dict[str, Any]]


@pytest.fixture
def create(client: TestClient) -> Create:
    """POST /people and return the created person (asserts 201)."""

    def make(full_name: str = "Nguyễn Văn An", **fields: Any) -> dict[str, Any]:
        response = client.post("/api/v1/people", json={"full_name": full_name, **fields})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return make


@pytest.fixture
def ward_id(hanoi: Session) -> int:
    ward = hanoi.scalar(select(AdminUnit.id).where(AdminUnit.level == UnitLevel.ward).limit(1))
    assert ward is not None
    return ward


def count_people(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Person)) or 0
