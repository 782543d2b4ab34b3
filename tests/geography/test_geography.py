from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.geography.service import ward_populations


def test_hanoi_has_30_districts_579_wards_and_its_census_population(hanoi: Session) -> None:
    count = {
        level: hanoi.scalar(select(func.count()).where(AdminUnit.level == level))
        for level in UnitLevel
    }
    assert count == {UnitLevel.city: 1, UnitLevel.district: 30, UnitLevel.ward: 579}
    city = hanoi.scalar(select(AdminUnit).where(AdminUnit.level == UnitLevel.city))
    assert city is not None
    assert city.population == 8_053_663
    wards_total = hanoi.scalar(
        select(func.sum(AdminUnit.population)).where(AdminUnit.level == UnitLevel.ward)
    )
    assert wards_total == 8_053_663


def test_loading_twice_changes_nothing(hanoi: Session) -> None:
    from cordon.geography.service import load_city

    load_city(hanoi)
    hanoi.commit()
    assert hanoi.scalar(select(func.count()).select_from(AdminUnit)) == 610


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=1, max_value=60))
def test_ward_split_sums_to_district(population: int, wards: int) -> None:
    parts = ward_populations(population, wards)
    assert sum(parts) == population
    assert max(parts) - min(parts) <= 1


def test_units_api_lists_districts_with_population(client: TestClient, hanoi: Session) -> None:
    response = client.get("/api/v1/units", params={"level": "district", "limit": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 30
    ba_dinh = next(u for u in body["items"] if u["code"] == "001")
    assert ba_dinh["name"] == "Ba Đình"
    assert ba_dinh["population"] == 221_893


def test_unknown_unit_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/units/999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
