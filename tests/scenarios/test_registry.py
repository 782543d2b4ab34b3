"""A scenario started from the live registry: the city's districts from the geography, the
cases in care and the contacts held by district as of the day, the recent growth — written
through the registry's own services and read back through theirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakePerson
from cordon.cases import service as cases
from cordon.cases.enums import CaseStatus
from cordon.core.dates import today
from cordon.geography.models import AdminUnit
from cordon.scenarios.registry import read_registry, scenario_from_registry
from cordon.sim.scenario import parse_scenario

pytestmark = pytest.mark.usefixtures("city_regime")


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def case(session: Session, person: int, confirmed_on: dt.date, **fields: Any) -> int:
    made = cases.create_case(
        session,
        person_id=person,
        status=CaseStatus.confirmed,
        created_by="test",
        confirmed_on=confirmed_on,
        **fields,
    )
    session.commit()
    return made.id


def move(session: Session, case_id: int, to: CaseStatus, on: dt.date) -> None:
    cases.change_status(session, case_id, to, changed_by="test", reason="test", on_date=on)
    session.commit()


def api(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1{path}", json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@pytest.fixture
def registry(client: TestClient, hanoi: Session, make_person: MakePerson) -> dict[str, Any]:
    """Ba Đình (001): a case confirmed 3 days ago whose household contacts are F1 (one held
    in a camp, one only proposed) and a contact of one of them F2, held at home. Hoàn Kiếm
    (002): a case in care, one recovered, one dead. A case of the city with no ward; a
    suspected case. Confirmed within the last 14 days: 4 (3 days ago, 5, 10 and 1)."""
    phuc_xa, phuc_tan = ward(hanoi, "00001"), ward(hanoi, "00037")
    camp = {"code": "CL-01", "name": "Khu cách ly CL-01", "kind": "military_camp"}
    api(client, "/facilities", {**camp, "ward_id": phuc_xa, "capacity": 5})
    f0, a, b, c = (make_person(ward_id=phuc_xa) for _ in range(4))
    exposed = days_ago(3)
    for one, other, day in ((f0, a, exposed), (f0, b, exposed), (a, c, days_ago(2))):
        exposure = {"person_id": one, "contact_id": other, "setting": "household"}
        api(client, "/exposures", {**exposure, "first_on": str(day), "last_on": str(day)})
    api(client, "/cases", {"person_id": f0, "status": "confirmed", "confirmed_on": str(exposed)})
    for person in (a, c):
        (order,) = client.get(f"/api/v1/people/{person}/isolation-orders").json()
        api(client, f"/isolation/orders/{order['id']}/confirm", {"version": order["version"]})
    in_care, recovered, dead = (make_person(ward_id=phuc_tan) for _ in range(3))
    case(hanoi, in_care, days_ago(5))
    move(hanoi, case(hanoi, recovered, days_ago(20)), CaseStatus.recovered, days_ago(6))
    move(hanoi, case(hanoi, dead, days_ago(10)), CaseStatus.died, days_ago(2))
    case(hanoi, make_person(), days_ago(1), province="Hà Nội")  # the city's, ward not known
    cases.create_case(hanoi, person_id=make_person(ward_id=phuc_tan), created_by="test")
    hanoi.commit()
    return {"held_at_home": c}


def test_the_registry_as_it_stands_today(registry: dict[str, Any], hanoi: Session) -> None:
    figures = read_registry(hanoi, on=today())
    # the case without a ward is the city's all the same: the most populous district's
    largest = max(figures.districts, key=lambda d: d.population).code
    assert largest not in ("001", "002")
    assert figures.in_care == {"001": 1, "002": 1, largest: 1}
    assert figures.unplaced_in_care == 1
    assert figures.held_facility == {"001": 1}  # the proposed order holds no one
    assert figures.held_home == {"001": 1}
    assert figures.held == {"001": 2}
    assert figures.confirmed_daily[-14:] == figures.confirmed_daily
    assert sum(figures.confirmed_daily) == 4
    assert figures.confirmed_daily[-4] == 1  # 3 days ago
    assert figures.confirmed_per_day == pytest.approx(4 / 14)
    by_code = {d.code: d for d in figures.districts}
    assert len(by_code) == 30
    assert by_code["001"].name == "Ba Đình"
    assert by_code["001"].population == 221_893
    assert "00001" in by_code["001"].wards
    assert "00037" in by_code["002"].wards


def test_as_of_an_earlier_day(registry: dict[str, Any], hanoi: Session) -> None:
    """A week ago: the case confirmed 20 days ago was still in care (it recovered 6 days
    ago), the one confirmed 10 days ago had not died yet; Ba Đình's case and its contacts
    were still to come. Both were confirmed in the 14 days up to that day."""
    figures = read_registry(hanoi, on=days_ago(7))
    assert figures.in_care == {"002": 2}
    assert figures.held == {}
    assert figures.confirmed_daily == [1] + [0] * 9 + [1, 0, 0, 0]


def test_the_scenario_starts_from_the_registry(registry: dict[str, Any], hanoi: Session) -> None:
    scenario = parse_scenario(
        {
            "name": "Trace F1",
            "start": "2020-03-01",
            "days": 30,
            "seeding": {"infected": 7, "imported_per_day": 0.5, "undetected_per_confirmed": 2},
            "measures": [{"kind": "test_trace_isolate", "depth": 1}],
        }
    )
    started = scenario_from_registry(hanoi, scenario, on=today())
    assert started.start == today()
    assert [d.code for d in started.population.districts][:2] == ["001", "002"]
    assert started.seeding.confirmed_active["001"] == 1
    assert sum(started.seeding.confirmed_active.values()) == 3
    assert started.seeding.in_quarantine == {"001": 1}  # in a facility
    assert started.seeding.in_home_quarantine == {"001": 1}
    # the scenario's own numbers stay unless the growth is asked for
    assert started.seeding.infected == 7
    assert started.seeding.imported_per_day == 0.5
    assert started.seeding.undetected_per_confirmed == 2
    assert started.measures == scenario.measures
    assert started.days == 30
    grown = scenario_from_registry(hanoi, scenario, on=today(), growth_as_imports=True)
    assert grown.seeding.imported_per_day == pytest.approx(4 / 14, abs=1e-3)
    assert scenario.start == dt.date(2020, 3, 1)  # the scenario given is not changed


def test_people_whose_district_is_not_known_are_shared_by_population() -> None:
    from cordon.scenarios.registry import _share
    from cordon.sim.scenario import DistrictSpec

    districts = [DistrictSpec(code=c, population=p) for c, p in (("003", 100), ("001", 100))]
    districts.append(DistrictSpec(code="002", population=200))
    counts = {"002": 5}
    _share(counts, 6, districts)
    assert counts == {"001": 2, "002": 8, "003": 1}  # 1.5, 3, 1.5: the one left to 001
    _share(counts, 7, districts)  # 1.75, 3.5, 1.75: largest remainders first
    assert counts == {"001": 4, "002": 11, "003": 3}
    _share(counts, 0, districts)
    assert sum(counts.values()) == 18


def test_a_city_without_geography_is_refused(session: Session) -> None:
    from cordon.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        read_registry(session, on=today())
    assert refused.value.problems[0].field == "from_registry"
