"""The rules that propose early warnings (``warning_rules.toml``): a cluster that grew by five
cases in seven days, a case who travelled from or to a partner city in the days around its
transmission window; each proposed once as a draft, never sent, naming no person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import MakeCase, MakePerson
from cordon.cases import investigation
from cordon.cases.schemas import InvestigationFields, Trip
from cordon.clusters import service as clusters
from cordon.core.dates import today
from cordon.core.errors import InvalidInput
from cordon.core.rulesets import RuleSetError
from cordon.geography.models import AdminUnit
from cordon.network.models import Peer
from cordon.network.warning_rules import RULES, matches
from cordon.outbox.models import OutboxMessage
from networkkit import Partner

URL = "/api/v1/network/warnings"


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return int(found)


def _cluster(session: Session, make_case: MakeCase, make_person: MakePerson, new: int) -> None:
    """Bạch Mai: ``new`` cases in the last seven days, and two older ones."""
    phuc_xa = _ward(session, "00001")
    cluster = clusters.create_cluster(
        session, code="BM", name="Bệnh viện Bạch Mai", ward_id=phuc_xa
    )
    session.commit()
    for n, days_ago in enumerate([*range(new), 9, 12]):
        case = make_case(
            f"BM{n}",
            person_id=make_person("Nguyễn Thị Hoa", ward_id=phuc_xa),
            confirmed_on=today() - dt.timedelta(days=days_ago % 7 if n < new else days_ago),
        )
        clusters.add_member(session, cluster.id, case_id=case.id)
    session.commit()


def _traveller(session: Session, make_case: MakeCase, place: str, days_ago: int) -> None:
    """A case confirmed yesterday, back from ``place`` where it stayed until ``days_ago``."""
    on = today() - dt.timedelta(days=1)
    case = make_case("TR1", confirmed_on=on, onset_on=on)
    trip = Trip(
        place=place,
        from_on=today() - dt.timedelta(days=days_ago + 3),
        to_on=today() - dt.timedelta(days=days_ago),
    )
    fields = InvestigationFields(travel=[trip])
    investigation.record_investigation(session, case.id, fields, expected_version=None)
    session.commit()


def test_the_rules_propose_each_warning_once_and_send_nothing(
    client: TestClient,
    hanoi: Session,
    seoul: Partner,
    make_case: MakeCase,
    make_person: MakePerson,
) -> None:
    _cluster(hanoi, make_case, make_person, new=5)
    _traveller(hanoi, make_case, "Seoul, Hàn Quốc", days_ago=4)
    made = client.post(f"{URL}/proposals", json={})
    assert made.status_code == 201, made.text
    assert "Nguyễn" not in made.text  # no person
    by_rule = {w["proposed_by"]: w for w in made.json()}
    assert set(by_rule) == {"cluster-growth", "travel-partner"}
    cluster = by_rule["cluster-growth"]
    assert cluster["status"] == "draft"
    alert = cluster["alert"]
    assert alert["scope"] == "Public"
    assert (
        alert["info"]["headline"] == "Hà Nội: cluster Bệnh viện Bạch Mai grew by 5 cases in 7 days"
    )
    (area,) = alert["info"]["area"]
    assert area["areaDesc"] == "Phúc Xá, Ba Đình"
    codes = [(g["valueName"], g["value"]) for g in area["geocode"]]
    assert codes == [("VN-ADMIN", "00001"), ("VN-ADMIN", "001")]
    travel = by_rule["travel-partner"]["alert"]
    assert (travel["scope"], travel["restriction"]) == (
        "Restricted",
        "Health authorities of the partner cities",
    )
    assert "City of kr-seoul" in travel["info"]["headline"]
    again = client.post(f"{URL}/proposals", json={})
    assert (again.status_code, again.json()) == (201, [])
    drafts = client.get(URL, params={"status": "draft"}).json()
    assert drafts["total"] == 2
    hanoi.rollback()
    assert hanoi.scalars(select(OutboxMessage)).all() == []


def test_a_cluster_under_the_threshold_and_an_old_trip_propose_nothing(
    client: TestClient,
    hanoi: Session,
    seoul: Partner,
    make_case: MakeCase,
    make_person: MakePerson,
) -> None:
    _cluster(hanoi, make_case, make_person, new=4)
    _traveller(hanoi, make_case, "Seoul", days_ago=30)  # long before its window
    made = client.post(f"{URL}/proposals", json={})
    assert (made.status_code, made.json()) == (201, [])


def test_a_day_to_judge_is_neither_in_the_future_nor_ancient(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    for day in (today() + dt.timedelta(days=1), dt.date(1, 1, 1)):
        refused = client.post(f"{URL}/proposals", json={"on": str(day)})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "on"


@pytest.mark.parametrize(
    ("place", "found"),
    [
        ("Seoul", True),
        ("seoul, Hàn Quốc", True),
        ("City of kr-seoul", True),
        ("Busan", False),
        ("Seoulite Street, Hà Nội", False),
    ],
)
def test_a_trips_place_is_matched_to_a_partner_city(place: str, found: bool) -> None:
    peer = Peer(node_id="kr-seoul", name="City of kr-seoul")
    assert matches(place, peer) is found
    hcmc = Peer(node_id="vn-hcmc", name="Thành phố Hồ Chí Minh")
    assert matches("TP. Hồ Chí Minh", hcmc) is False  # a name is matched whole
    assert matches("Thành phố Hồ Chí Minh", hcmc) is True


def test_a_rule_with_an_unknown_placeholder_is_refused_by_name(tmp_path: Path) -> None:
    text = (
        (RULES.built_in)
        .read_text(encoding="utf-8")
        .replace("cluster {cluster} grew", "cluster {patient} grew")
    )
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as refused:
        RULES.load(path)
    assert "{patient} is not a placeholder of cluster_growth" in str(refused.value)
    assert isinstance(refused.value, InvalidInput)
