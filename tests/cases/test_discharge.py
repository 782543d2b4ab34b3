"""Discharging a case by the rule in force: each built-in rule's days and tests, a Ct of 30
or more counting as negative, every refusal naming its problem and changing nothing, the home
monitoring that follows (in force, on the ward's *not reported* list), a city's own rules,
jurisdiction, and the command line."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import MakePerson, SignIn
from cordon.cases import discharge, lab
from cordon.cases import service as cases
from cordon.cases.discharge_rules import (
    CountFrom,
    DischargeRule,
    PcrResult,
    counts_as_negative,
    get_rules,
    load_rules,
    pcr_problems,
)
from cordon.cases.enums import CaseStatus, TestMethod, TestResult
from cordon.cases.models import Case, CaseStatusChange
from cordon.cli.main import app
from cordon.core import rulesets
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.errors import Conflict, InvalidInput
from cordon.geography.models import AdminUnit
from cordon.isolation.enums import OrderStatus, Place
from cordon.isolation.models import IsolationOrder
from cordon.monitoring.service import not_reported
from cordon.outbox.enums import MessageKind
from cordon.outbox.models import OutboxMessage
from cordon.people.bulk import PersonRow, insert_people

URL = "/api/v1/cases"
D = dt.date
RULE_2020, RULE_2021 = "vn-discharge-2020", "vn-discharge-2021-07"
NEG, POS, PENDING = TestResult.negative, TestResult.positive, TestResult.pending
runner = CliRunner()


def _days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def _ward(session: Session, code: str = "00001") -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def _test(
    session: Session, case: Case, day: dt.date, result: TestResult, ct: float | None = None
) -> None:
    lab.add_lab_test(
        session,
        case.id,
        lab.LabReport(
            method=TestMethod.pcr,
            sample_taken_on=day,
            result=result,
            result_on=None if result is PENDING else day,
            ct_value=ct,
        ),
    )
    session.commit()


@pytest.fixture
def f0(session: Session, hanoi: Session) -> Callable[..., Case]:
    """``f0(sample_on, *tests)``: a confirmed case of someone of Phúc Xá with a phone, its
    positive sample on ``sample_on`` and confirmed the day after, with ``(day, result, ct)``
    PCR tests."""
    made = itertools.count(1)

    def make(sample_on: dt.date, *tests: tuple[dt.date, TestResult, float | None]) -> Case:
        n = next(made)
        row = PersonRow(full_name="Trần Văn Hùng", phone=f"+8491234567{n}", ward_id=_ward(hanoi))
        (person,) = insert_people(session, [row])
        case = cases.create_case(
            session,
            person_id=person,
            status=CaseStatus.confirmed,
            code=f"BN{n}",
            created_by="test",
            sample_on=sample_on,
            confirmed_on=sample_on + dt.timedelta(days=1),
        )
        session.commit()
        for day, result, ct in tests:
            _test(session, case, day, result, ct)
        return case

    return make


def _ready_today(f0: Callable[..., Case]) -> Case:
    """A case that meets today's rule (July 2021): sampled 11 days ago, two negative PCR
    tests yesterday and today."""
    return f0(_days(-11), (_days(-1), NEG, None), (_days(0), NEG, None))


def _fields(ready: discharge.Readiness) -> list[str]:
    return [p.field for p in ready.problems]


# -- the built-in rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "rule_id"),
    [
        (D(2020, 3, 6), RULE_2020),
        (D(2021, 7, 13), RULE_2020),
        (D(2021, 7, 14), RULE_2021),  # the day it takes effect
        (D(2026, 1, 1), RULE_2021),
        (D(2019, 12, 1), RULE_2020),  # before the first: the first
    ],
)
def test_the_rule_in_force_on_the_day_of_discharge(on: dt.date, rule_id: str) -> None:
    assert get_rules().in_force(on).id == rule_id


# (rule, positive sample, PCR tests, day of discharge, what stands in the way)
DATES = [
    # 2020: two negatives at least a day apart, any day after the positive sample
    (RULE_2020, D(2020, 3, 1), [(D(2020, 3, 10), NEG), (D(2020, 3, 11), NEG)], D(2020, 3, 11), []),
    (RULE_2020, D(2020, 3, 1), [(D(2020, 3, 10), NEG)], D(2020, 3, 10), ["lab_tests"]),
    (RULE_2020, D(2020, 3, 1), [(D(2020, 3, 3), NEG), (D(2020, 3, 4), NEG)], D(2020, 3, 30), []),
    (
        RULE_2020,
        D(2020, 3, 1),
        [(D(2020, 3, 10), NEG), (D(2020, 3, 10), NEG)],
        D(2020, 3, 12),
        ["lab_tests"],
    ),  # the same day: not a day apart
    (
        RULE_2020,
        D(2020, 3, 1),
        [(D(2020, 3, 1), NEG), (D(2020, 3, 2), NEG)],
        D(2020, 3, 3),
        ["lab_tests"],
    ),  # the positive sample's day does not count
    # July 2021: from day 10 after the positive sample, the last sample within a day
    (RULE_2021, D(2021, 8, 1), [(D(2021, 8, 10), NEG), (D(2021, 8, 11), NEG)], D(2021, 8, 11), []),
    (RULE_2021, D(2021, 8, 1), [(D(2021, 8, 10), NEG), (D(2021, 8, 11), NEG)], D(2021, 8, 12), []),
    (
        RULE_2021,
        D(2021, 8, 1),
        [(D(2021, 8, 9), NEG), (D(2021, 8, 10), NEG)],
        D(2021, 8, 10),
        ["discharged_on"],
    ),  # day 9: one day too early
    (
        RULE_2021,
        D(2021, 8, 1),
        [(D(2021, 8, 10), NEG), (D(2021, 8, 11), NEG)],
        D(2021, 8, 13),
        ["lab_tests"],
    ),  # the latest sample is two days old
    (RULE_2021, D(2021, 8, 1), [], D(2021, 8, 20), ["lab_tests"]),
]


@pytest.mark.parametrize(
    ("rule_id", "sample_on", "tests", "on", "problems"),
    DATES,
)  # fmt: skip
def test_each_rule_counts_its_days_and_tests(
    session: Session,
    f0: Callable[..., Case],
    rule_id: str,
    sample_on: dt.date,
    tests: list[tuple[dt.date, TestResult]],
    on: dt.date,
    problems: list[str],
) -> None:
    case = f0(sample_on, *[(day, result, None) for day, result in tests])
    ready = discharge.readiness(session, case, on)
    assert ready.rule.id == rule_id
    assert _fields(ready) == problems, [p.message for p in ready.problems]
    assert ready.day0 == sample_on
    assert ready.earliest == sample_on + dt.timedelta(days=ready.rule.from_day)
    assert ready.monitoring == (on, on + dt.timedelta(days=13))  # 14 days of monitoring


def test_too_early_says_the_day_and_the_first_day_allowed(
    session: Session, f0: Callable[..., Case]
) -> None:
    case = f0(D(2021, 8, 1), (D(2021, 8, 5), NEG, None), (D(2021, 8, 6), NEG, None))
    ready = discharge.readiness(session, case, D(2021, 8, 6))
    assert [p.message for p in ready.problems] == [
        "day 5 since 2021-08-01; the rule allows discharge from day 10 (2021-08-11)"
    ]


@pytest.mark.parametrize(
    ("tests", "on", "said"),
    [
        ([(D(2021, 8, 10), POS, 32.0), (D(2021, 8, 11), NEG, None)], D(2021, 8, 11), []),
        ([(D(2021, 8, 10), POS, 30.0), (D(2021, 8, 11), POS, 35.5)], D(2021, 8, 11), []),
        (
            [(D(2021, 8, 10), NEG, None), (D(2021, 8, 11), POS, 29.5)],
            D(2021, 8, 11),
            ["the latest PCR test (sample of 2021-08-11) is neither negative nor Ct ≥ 30"],
        ),
        (
            [(D(2021, 8, 10), NEG, None), (D(2021, 8, 11), POS, None)],  # no Ct given
            D(2021, 8, 11),
            ["the latest PCR test (sample of 2021-08-11) is neither negative nor Ct ≥ 30"],
        ),
        (
            [(D(2021, 8, 10), NEG, None), (D(2021, 8, 11), PENDING, None)],
            D(2021, 8, 11),
            [
                "a PCR result is awaited (sample of 2021-08-11)",
                "2 negative PCR tests in a row are needed, samples from 2021-08-02 at least "
                "1 day(s) apart; there are 1",
            ],
        ),
        (  # a positive in between: the count starts again after it
            [(D(2021, 8, 9), NEG, None), (D(2021, 8, 10), POS, 20.0), (D(2021, 8, 11), NEG, None)],
            D(2021, 8, 11),
            [
                "2 negative PCR tests in a row are needed, samples from 2021-08-02 at least "
                "1 day(s) apart; there are 1"
            ],
        ),
    ],
)
def test_a_ct_of_30_or_more_counts_as_negative(
    session: Session,
    f0: Callable[..., Case],
    tests: list[tuple[dt.date, TestResult, float | None]],
    on: dt.date,
    said: list[str],
) -> None:
    case = f0(D(2021, 8, 1), *tests)
    assert [p.message for p in discharge.readiness(session, case, on).problems] == said


def test_in_2020_a_low_viral_load_is_still_positive(
    session: Session, f0: Callable[..., Case]
) -> None:
    case = f0(D(2020, 3, 1), (D(2020, 3, 10), NEG, None), (D(2020, 3, 11), POS, 35.0))
    ready = discharge.readiness(session, case, D(2020, 3, 11))
    assert [p.message for p in ready.problems] == [
        "the latest PCR test (sample of 2020-03-11) is not negative"
    ]


# -- the PCR requirement, against every way of choosing the tests -----------------------------

RULE = DischargeRule(
    id="x",
    effective_from=D(2020, 1, 1),
    title="",
    legal_basis="",
    count_from=CountFrom.sample,
    from_day=0,
    negative_tests=2,
    tests_from_day=1,
    tests_apart_days=2,
    ct_at_least=30.0,
)
DAY0, ON = D(2021, 1, 1), D(2021, 1, 21)
result_st = st.builds(
    PcrResult,
    sample_on=st.integers(0, 20).map(lambda n: DAY0 + dt.timedelta(days=n)),
    result=st.sampled_from([NEG, POS, TestResult.inconclusive]),
    ct_value=st.one_of(st.none(), st.sampled_from([20.0, 29.9, 30.0, 38.0])),
)


def _met_by_brute_force(rule: DischargeRule, tests: list[PcrResult]) -> bool:
    """Some ``negative_tests`` results, each negative or of a low load, spaced, all after
    every other result that is neither — tried every way."""
    counted = [t for t in tests if t.sample_on > DAY0]
    bad = [t.sample_on for t in counted if not counts_as_negative(rule, t)]
    good = [t for t in counted if counts_as_negative(rule, t) and all(t.sample_on > b for b in bad)]
    for chosen in itertools.combinations(good, rule.negative_tests):
        days = sorted(t.sample_on for t in chosen)
        if all((b - a).days >= rule.tests_apart_days for a, b in itertools.pairwise(days)):
            return True
    return False


@given(st.lists(result_st, max_size=7), st.integers(1, 3), st.integers(0, 3))
def test_the_tests_are_met_exactly_when_some_choice_of_them_meets_the_rule(
    tests: list[PcrResult], needed: int, apart: int
) -> None:
    rule = DischargeRule(**{**RULE.__dict__, "negative_tests": needed, "tests_apart_days": apart})
    problems = pcr_problems(rule, tests, DAY0, ON)
    assert (problems == []) == _met_by_brute_force(rule, tests)
    assert all(p.field == "lab_tests" for p in problems)


# -- refusals: the problem named, nothing changed ---------------------------------------------


def _state(session: Session, case_id: int) -> tuple[Any, ...]:
    session.rollback()  # a fresh look at what the app committed
    case = session.get(Case, case_id)
    assert case is not None
    session.refresh(case)
    history = session.scalar(select(func.count()).where(CaseStatusChange.case_id == case_id))
    orders = session.scalar(select(func.count()).select_from(IsolationOrder))
    return case.status, case.version, case.discharged_on, history, orders


def _post(client: TestClient, case: Case, **body: Any) -> Any:
    body = {"version": case.version, "symptom_free": True, **body}
    return client.post(f"{URL}/{case.id}/discharge", json=body)


def test_too_early_is_409_naming_the_day(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = f0(_days(-5), (_days(-1), NEG, None), (_days(0), NEG, None))
    before = _state(session, case.id)
    refused = _post(client, case)
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["discharged_on"]
    assert RULE_2021 in refused.json()["detail"]
    assert _state(session, case.id) == before


def test_a_positive_latest_test_is_409(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = f0(_days(-12), (_days(-1), NEG, None), (_days(0), POS, 25.0))
    before = _state(session, case.id)
    refused = _post(client, case)
    assert refused.status_code == 409
    (error,) = refused.json()["errors"]
    assert error["field"] == "lab_tests"
    assert "neither negative nor Ct ≥ 30" in error["message"]
    assert _state(session, case.id) == before


def test_without_symptom_free_it_is_422_naming_the_field(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = _ready_today(f0)
    before = _state(session, case.id)
    refused = _post(client, case, symptom_free=False)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["symptom_free"]
    assert _state(session, case.id) == before


def test_every_problem_is_named_at_once(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = f0(_days(-3))
    refused = _post(client, case, symptom_free=False)
    assert refused.status_code == 409
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["discharged_on", "lab_tests", "symptom_free"]


@pytest.mark.parametrize("status", [CaseStatus.suspected, CaseStatus.discarded])
def test_only_a_confirmed_case_is_discharged(
    client: TestClient, session: Session, hanoi: Session, status: CaseStatus
) -> None:
    (person,) = insert_people(session, [PersonRow(full_name="Lê Văn Nam")])
    case = cases.create_case(
        session, person_id=person, status=CaseStatus.suspected, code="BN9", created_by="t"
    )
    if status is CaseStatus.discarded:
        cases.change_status(
            session, case.id, status, changed_by="t", reason="negative", on_date=today()
        )
    session.commit()
    before = _state(session, case.id)
    refused = _post(client, case, version=before[1])
    assert refused.status_code == 409
    assert f"is {status}: only a confirmed case is discharged" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "status"
    readiness = client.get(f"{URL}/{case.id}/discharge").json()
    assert readiness["ready"] is False
    assert readiness["problems"][0]["message"] == f"the case is {status}, not confirmed"
    assert _state(session, case.id) == before


def test_a_stale_version_is_409(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = _ready_today(f0)
    before = _state(session, case.id)
    refused = _post(client, case, version=case.version + 1)
    assert refused.status_code == 409
    assert "someone else changed it meanwhile" in refused.json()["detail"]
    assert _state(session, case.id) == before


def test_a_second_discharge_is_refused(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = _ready_today(f0)
    done = _post(client, case)
    assert done.status_code == 200, done.text
    again = _post(client, case, version=done.json()["case"]["version"])
    assert again.status_code == 409
    assert "is recovered: only a confirmed case is discharged" in again.json()["detail"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(IsolationOrder)) == 1


# -- a discharge ------------------------------------------------------------------------------


def test_readiness_says_the_rule_the_problems_and_the_monitoring(
    client: TestClient, f0: Callable[..., Case]
) -> None:
    case = f0(_days(-8), (_days(0), NEG, None))
    shown = client.get(f"{URL}/{case.id}/discharge")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["rule_id"] == RULE_2021
    assert "3416/QĐ-BYT" in body["legal_basis"]
    assert (body["on"], body["counted_from"], body["day"]) == (str(today()), str(_days(-8)), 8)
    assert body["earliest_on"] == str(_days(2))
    assert body["ready"] is False
    assert [p["field"] for p in body["problems"]] == ["discharged_on", "lab_tests"]
    assert body["symptom_free_required"] is True
    assert (body["monitoring_from"], body["monitoring_until"]) == (str(today()), str(_days(13)))
    assert body["version"] == case.version


def test_a_discharge_recovers_the_case_and_starts_home_monitoring(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    case = _ready_today(f0)
    assert client.get(f"{URL}/{case.id}/discharge").json()["ready"] is True
    done = _post(client, case)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["case"]["status"] == "recovered"
    assert body["case"]["discharged_on"] == str(today())
    assert (body["monitoring_from"], body["monitoring_until"]) == (str(today()), str(_days(13)))
    last = client.get(f"{URL}/{case.id}/history").json()[-1]
    assert (last["from_status"], last["to_status"]) == ("confirmed", "recovered")
    assert last["changed_by"] == "tester"
    assert last["reason"] == f"discharged by rule {RULE_2021}"

    session.rollback()
    order = session.get(IsolationOrder, body["monitoring_order_id"])
    assert order is not None
    assert (order.status, order.place, order.regime_id, order.tier) == (
        OrderStatus.confirmed,
        Place.monitoring,
        RULE_2021,
        0,
    )
    assert (order.starts_on, order.ends_on, order.monitor_until) == (today(), _days(13), None)
    assert order.ward_id == _ward(session)
    assert order.last_report_on == _days(-1)
    assert order.decided_by is not None
    waiting, total = not_reported(session)
    assert [o.id for o in waiting] == [order.id]
    assert total == 1
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == case.person_id))
    assert [m.kind for m in told] == [MessageKind.order_created]


def test_a_new_exposure_of_a_discharged_case_keeps_their_monitoring(
    client: TestClient, session: Session, f0: Callable[..., Case], make_person: MakePerson
) -> None:
    """The case's own monitoring is not a contact's order: a contact recorded after the
    discharge (the person is still F0) does not end it as "confirmed case"."""
    case = _ready_today(f0)
    done = _post(client, case)
    assert done.status_code == 200, done.text
    other = make_person(ward_id=_ward(session))
    day = str(today())
    body = {"person_id": case.person_id, "contact_id": other, "first_on": day, "last_on": day}
    assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    session.rollback()
    order = session.get(IsolationOrder, done.json()["monitoring_order_id"])
    assert order is not None
    assert order.status is OrderStatus.confirmed


def test_monitoring_replaces_an_order_still_open(session: Session, f0: Callable[..., Case]) -> None:
    case = _ready_today(f0)
    held = IsolationOrder(
        person_id=case.person_id,
        status=OrderStatus.confirmed,
        place=Place.home,
        regime_id="vn-2021-07",
        tier=2,
        last_exposure_on=_days(-20),
        starts_on=_days(-19),
        ends_on=_days(-6),
    )
    session.add(held)
    session.commit()
    done = discharge.discharge(session, case.id, version=case.version, symptom_free=True, by="t")
    session.commit()
    assert done.monitoring is not None
    assert done.monitoring.replaces_id == held.id
    session.refresh(held)
    assert (held.status, held.closed_on) == (OrderStatus.replaced, today())


def test_the_service_refuses_with_conflict_and_invalid_input(
    session: Session, f0: Callable[..., Case]
) -> None:
    early = f0(_days(-2))
    with pytest.raises(Conflict) as caught:
        discharge.discharge(session, early.id, version=early.version, symptom_free=True, by="t")
    assert "does not meet discharge rule" in str(caught.value)
    assert "discharged_on: day 2" in str(caught.value)
    ready = _ready_today(f0)
    with pytest.raises(InvalidInput) as said:
        discharge.discharge(session, ready.id, version=ready.version, symptom_free=False, by="t")
    assert said.value.problems[0].field == "symptom_free"


# -- a city's own rules -----------------------------------------------------------------------

CITY_RULES = """
[[rule]]
id = "hn-2026"
effective_from = 2026-01-01
title = "City rule: from day 7 after confirmation, one negative PCR; then 7 days"
legal_basis = "Quyết định của UBND thành phố (thử nghiệm)"
count_from = "confirmation"
from_day = 7
negative_tests = 1
symptom_free = false
monitoring_days = 7
"""


@pytest.fixture
def city_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "discharge.toml"
    path.write_text(CITY_RULES, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "discharge_file", path)
    rulesets.clear()
    yield path
    rulesets.clear()


@pytest.mark.usefixtures("city_rules")
def test_a_city_sets_its_own_rules(
    client: TestClient, session: Session, f0: Callable[..., Case]
) -> None:
    assert get_rules().in_force(D(2020, 3, 1)).id == "hn-2026"  # its rules replace ours
    case = f0(_days(-9), (_days(-1), NEG, None))  # confirmed 8 days ago
    shown = client.get(f"{URL}/{case.id}/discharge").json()
    assert (shown["rule_id"], shown["day"], shown["ready"]) == ("hn-2026", 8, True)
    assert shown["symptom_free_required"] is False
    done = _post(client, case, symptom_free=False)
    assert done.status_code == 200, done.text
    assert done.json()["monitoring_until"] == str(_days(6))
    session.rollback()
    order = session.get(IsolationOrder, done.json()["monitoring_order_id"])
    assert order is not None
    assert order.regime_id == "hn-2026"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "holds no [[rule]]"),
        ("rule = 3\n", "holds no [[rule]]"),
        ("[[rule]\n", "is not TOML"),
        (CITY_RULES + "ct_at_leest = 30\n", "rule 1, ct_at_leest: is not a field"),
        (CITY_RULES.replace("from_day = 7\n", ""), "rule 1, from_day: is missing"),
        (CITY_RULES.replace("from_day = 7", "from_day = -1"), "from_day: must be a whole"),
        (CITY_RULES.replace("from_day = 7", 'from_day = "7"'), "from_day: must be a whole"),
        (CITY_RULES.replace("= false", "= 1"), "symptom_free: must be true or false"),
        (CITY_RULES.replace('"confirmation"', '"test"'), "count_from: must be one of"),
        (CITY_RULES + "ct_at_least = 60\n", "ct_at_least: must be a Ct value"),
        (CITY_RULES.replace("2026-01-01", '"2026"'), "effective_from: must be a date"),
        (CITY_RULES + CITY_RULES, "two rules have the id hn-2026"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_field(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "discharge.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_rules(path)
    assert words in str(caught.value)


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_rules(tmp_path / "nowhere.toml")
    assert caught.value.problems[0].field == "discharge_file"
    assert "nowhere.toml" in str(caught.value)


# -- who may ----------------------------------------------------------------------------------


def test_jurisdiction_and_permission(
    anonymous: TestClient, sign_in: SignIn, f0: Callable[..., Case]
) -> None:
    case = _ready_today(f0)  # in Phúc Xá, Ba Đình (001)
    url = f"{URL}/{case.id}/discharge"
    body = {"version": case.version, "symptom_free": True}
    far = sign_in("district_officer", "002")  # Hoàn Kiếm
    assert anonymous.get(url, headers=far).status_code == 404
    assert anonymous.post(url, json=body, headers=far).status_code == 404
    reader = sign_in("ward_worker", "00001")  # reads cases, does not change them
    assert anonymous.get(url, headers=reader).status_code == 200
    assert anonymous.post(url, json=body, headers=reader).status_code == 403
    near = sign_in("district_officer", "001")
    assert anonymous.post(url, json=body, headers=near).status_code == 200


# -- the command line -------------------------------------------------------------------------


def test_discharge_from_the_command_line(
    engine: Any, session: Session, f0: Callable[..., Case]
) -> None:
    early = f0(_days(-4))
    checked = runner.invoke(app, ["cases", "discharge", early.code, "--check"])
    assert checked.exit_code == 0, checked.output
    assert RULE_2021 in checked.output
    assert "discharged_on: day 4" in checked.output
    refused = runner.invoke(app, ["cases", "discharge", early.code, "--symptom-free"])
    assert refused.exit_code == 1
    assert "does not meet discharge rule" in refused.output
    assert "lab_tests:" in refused.output
    ready = _ready_today(f0)
    unsaid = runner.invoke(app, ["cases", "discharge", ready.code])
    assert unsaid.exit_code == 1
    assert "symptom_free" in unsaid.output
    done = runner.invoke(
        app, ["cases", "discharge", ready.code, "--symptom-free", "--by", "BV Bạch Mai"]
    )
    assert done.exit_code == 0, done.output
    assert f"Case {ready.code} is now recovered" in done.output
    assert str(_days(13)) in done.output
    session.rollback()
    last = cases.history(session, ready.id)[-1]
    assert (last.to_status, last.changed_by) == (CaseStatus.recovered, "BV Bạch Mai")
