"""Vietnam 2020: the real first wave loads whole and reproduces the published figures."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, Classification, SourceKind
from cordon.cases.models import Case, InfectionSource
from cordon.clusters.enums import ClusterKind
from cordon.clusters.models import Cluster, ClusterCase
from cordon.demo import facts
from cordon.demo.vietnam import load_vietnam_2020
from cordon.events import RegistryLoaded
from cordon.exposures.models import Exposure
from cordon.geography.models import AdminUnit
from cordon.models import Base
from cordon.people.models import Person
from eventkit import recording

HANOI = "Hà Nội"


@pytest.fixture
def loaded(session: Session) -> Session:
    result = load_vietnam_2020(session)
    session.commit()
    assert not result.skipped
    return session


def _count(session: Session, model: type[Base], *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_loads_every_patient_link_and_the_city(loaded: Session) -> None:
    assert _count(loaded, Case) == 288
    assert _count(loaded, Person) == 288
    assert _count(loaded, AdminUnit) == 610
    assert _count(loaded, InfectionSource, InfectionSource.kind == SourceKind.case) == 85
    assert _count(loaded, Exposure) == 85
    bn17 = loaded.scalar(select(Case).where(Case.code == "BN17"))
    assert bn17 is not None
    children = loaded.scalars(
        select(Case.code)
        .join(InfectionSource, InfectionSource.case_id == Case.id)
        .where(InfectionSource.source_case_id == bn17.id)
    ).all()
    assert sorted(children) == ["BN19", "BN20", "BN32", "BN47"]


def test_people_and_cases_carry_the_published_fields(loaded: Session) -> None:
    case, person = loaded.execute(
        select(Case, Person).join(Person, Person.id == Case.person_id).where(Case.code == "BN17")
    ).one()
    assert person.full_name == "Bệnh nhân 17"
    assert (person.sex, person.birth_year, person.nationality) == ("female", 1994, "VN")
    assert person.residence == HANOI
    assert person.ward_id is None
    assert case.status is CaseStatus.recovered
    assert case.discharged_on == dt.date(2020, 3, 30)
    assert case.classification is Classification.imported
    bn19 = loaded.scalar(select(Case).where(Case.code == "BN19"))
    assert bn19 is not None
    assert bn19.status is CaseStatus.confirmed
    assert bn19.classification is Classification.in_quarantine
    assert _count(loaded, Person, Person.nationality.is_(None)) == 0


def test_clusters_and_memberships(loaded: Session) -> None:
    def members(code: str) -> set[str]:
        rows = loaded.scalars(
            select(Case.code)
            .join(ClusterCase, ClusterCase.case_id == Case.id)
            .join(Cluster, Cluster.id == ClusterCase.cluster_id)
            .where(Cluster.code == code)
        )
        return set(rows)

    assert {"BN86", "BN87", "BN161"} <= members("BVBM")
    assert {"BN243", "BN250", "BN267"} <= members("HALOI")
    assert {"BN91", "BN124", "BN151"} <= members("BUDDHA-BAR")
    assert {"BN17", "BN21"} <= members("VN0054")
    flights = loaded.scalar(
        select(func.count()).select_from(Cluster).where(Cluster.kind == ClusterKind.flight)
    )
    assert flights is not None
    assert flights >= 14
    ha_loi = loaded.scalar(select(Cluster).where(Cluster.code == "HALOI"))
    assert ha_loi is not None
    assert ha_loi.ward_id is not None


def test_exposures_follow_the_links_with_dates_in_order(loaded: Session) -> None:
    rows = loaded.scalars(select(Exposure)).all()
    assert all(e.first_on <= e.last_on and e.person_id != e.contact_id for e in rows)
    assert {e.closeness.value for e in rows} == {"close"}
    assert "transport" in {e.setting.value for e in rows}


def test_reproduces_the_published_figures(loaded: Session) -> None:
    # End of 13 April 2020: as the daily series (national_daily_2020.csv) has it.
    end_of_day = facts.national_totals(loaded, dt.date(2020, 4, 13))
    assert (end_of_day.cases, end_of_day.recovered, end_of_day.deaths) == (265, 146, 0)
    # The bulletin of 13 April quoted "262 cases, 144 recovered, no death": published after
    # BN262 was announced, before that day's discharges (JHU's row of 12 April UTC agrees).
    bulletin = facts.national_totals(loaded, dt.date(2020, 4, 13), through="BN262")
    assert (bulletin.cases, bulletin.recovered, bulletin.deaths) == (262, 144, 0)
    hanoi = facts.province_last_case(loaded, HANOI, dt.date(2020, 6, 2))
    assert hanoi.last_case_on == dt.date(2020, 4, 15)
    assert hanoi.days_without_new_case == 48
    assert hanoi.cases == 112


def test_daily_series_matches_the_reference(loaded: Session) -> None:
    assert facts.daily_mismatches(loaded) == []


def test_loading_twice_writes_nothing(loaded: Session) -> None:
    before = [_count(loaded, m) for m in (Person, Case, InfectionSource, ClusterCase, Exposure)]
    again = load_vietnam_2020(loaded)
    loaded.commit()
    assert again.skipped
    after = [_count(loaded, m) for m in (Person, Case, InfectionSource, ClusterCase, Exposure)]
    assert after == before


def test_publishes_registry_loaded(session: Session) -> None:
    with recording(RegistryLoaded) as seen:
        load_vietnam_2020(session)
    session.rollback()
    (event,) = seen
    assert isinstance(event, RegistryLoaded)
    assert event.cause == "demo vietnam-2020"
    assert len(event.case_ids) == 288
    assert len(event.exposure_ids) == 85
