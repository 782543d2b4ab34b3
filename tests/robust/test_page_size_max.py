"""Issue 18 §5: the setting ``page_size_max`` holds every list — the API refuses a longer
page naming ``limit``, and a service asked for more returns no more."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.geography import service as geography
from cordon.geography.enums import UnitLevel

UNITS = "/api/v1/units"


def _fields(response: Any) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json().get("errors", [])]


def test_the_default_is_500_rows_a_page(client: TestClient) -> None:
    assert client.get(UNITS, params={"limit": 500}).status_code == 200
    refused = client.get(UNITS, params={"limit": 501})
    assert refused.status_code == 422
    assert _fields(refused) == ["limit"]


def test_a_smaller_page_size_max_holds_the_api_and_the_services(
    client: TestClient, hanoi: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "page_size_max", 20)
    refused = client.get(UNITS, params={"limit": 21})
    assert refused.status_code == 422
    assert _fields(refused) == ["limit"]
    assert "20" in refused.json()["errors"][0]["message"]
    page = client.get(UNITS, params={"limit": 20, "level": "ward"}).json()
    assert (len(page["items"]), page["total"]) == (20, 579)
    rows, total = geography.list_units(hanoi, level=UnitLevel.ward, limit=100)
    assert (len(rows), total) == (20, 579)  # the service pages no further than the setting
    search = client.post("/api/v1/people/search", json={"q": "an", "limit": 21})
    assert search.status_code == 422
    assert _fields(search) == ["limit"]


def test_a_larger_page_size_max_serves_longer_pages(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "page_size_max", 600)
    page = client.get(UNITS, params={"limit": 600, "level": "ward"})
    assert page.status_code == 200
    assert len(page.json()["items"]) == 579
