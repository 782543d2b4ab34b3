"""The isolation regimes of docs/domain.md §4, each checked against the table: who goes where, for
how long, tested on which days — and the dates a plan gives from the last exposure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MakePerson
from cordon.core.errors import InvalidInput
from cordon.isolation.enums import Place
from cordon.isolation.regimes import BUILT_IN, Regime, Rule, load_regimes, plan

REGIMES = load_regimes(BUILT_IN)
F, H, M = Place.facility, Place.home, Place.monitoring


@pytest.mark.parametrize(
    ("on", "tier", "vaccinated", "stays", "test_days"),
    [
        (dt.date(2020, 3, 10), 1, None, [(F, 14), (M, 14)], []),
        (dt.date(2020, 3, 10), 2, None, [(H, 14)], []),
        (dt.date(2021, 5, 5), 1, None, [(F, 21), (M, 7)], [1, 14, 20]),
        (dt.date(2021, 7, 14), 1, None, [(F, 14), (M, 14)], [1, 7, 14]),
        (dt.date(2022, 1, 10), 1, True, [(H, 7), (M, 7)], [1, 7]),
        (dt.date(2022, 1, 10), 1, False, [(F, 14), (M, 14)], [1, 7, 14]),
        (dt.date(2022, 1, 10), 1, None, [(F, 14), (M, 14)], [1, 7, 14]),  # unknown: stricter
        (dt.date(2022, 3, 1), 1, True, [(H, 5)], [5]),
        (dt.date(2022, 3, 1), 1, False, [(H, 7)], [7]),
    ],
)
def test_each_regime_as_the_table_says(
    on: dt.date,
    tier: int,
    vaccinated: bool | None,
    stays: list[tuple[Place, int]],
    test_days: list[int],
) -> None:
    rule = REGIMES.in_force(on).rule_for(tier, vaccinated=vaccinated)
    assert rule is not None
    assert [(s.place, s.days) for s in rule.stays] == stays
    assert list(rule.test_days) == test_days


@pytest.mark.parametrize("on", [dt.date(2022, 4, 15), dt.date(2026, 11, 22)])
def test_no_quarantine_from_15_april_2022(on: dt.date) -> None:
    regime = REGIMES.in_force(on)
    assert regime.id == "vn-2022-04"
    assert regime.rule_for(1) is None
    assert regime.rule_for(1, vaccinated=True) is None


def test_the_day_a_regime_takes_effect_it_is_in_force() -> None:
    assert REGIMES.in_force(dt.date(2021, 5, 4)).id == "vn-2020"
    assert REGIMES.in_force(dt.date(2021, 5, 5)).id == "vn-2021-05"
    assert all(r.legal_basis for r in REGIMES.rules)  # printed on every order


def test_a_plan_counts_from_the_last_exposure() -> None:
    rule = REGIMES.in_force(dt.date(2021, 6, 1)).rule_for(1)
    assert rule is not None
    p = plan(rule, dt.date(2021, 6, 1))
    assert [(leg.place, leg.first_day, leg.last_day) for leg in p.legs] == [
        (F, dt.date(2021, 6, 2), dt.date(2021, 6, 22)),
        (M, dt.date(2021, 6, 23), dt.date(2021, 6, 29)),
    ]
    assert p.tests == (dt.date(2021, 6, 2), dt.date(2021, 6, 15), dt.date(2021, 6, 21))
    later = plan(rule, dt.date(2021, 6, 4))  # a new exposure moves every date along
    assert later.ends_on - p.ends_on == dt.timedelta(days=3)


@given(
    st.sampled_from([(r, rule) for r in REGIMES.rules for rule in r.rules]),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
)
def test_every_plan_is_one_unbroken_stretch(pair: tuple[Regime, Rule], last: dt.date) -> None:
    _, rule = pair
    p = plan(rule, last)
    assert p.legs[0].first_day == last + dt.timedelta(days=1)
    for before, after in zip(p.legs, p.legs[1:], strict=False):
        assert after.first_day == before.last_day + dt.timedelta(days=1)
    assert (p.ends_on - last).days == rule.days
    assert all(p.legs[0].first_day <= t <= p.ends_on for t in p.tests)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no [[regime]]"),
        ('[[regime]]\nid = "x"\n', "incomplete"),
        (
            '[[regime]]\nid = "x"\neffective_from = 2020-01-01\n'
            '[[regime.rule]]\ntier = 1\nstays = [{ place = "hotel", days = 14 }]\n',
            "incomplete or invalid",
        ),
        (
            '[[regime]]\nid = "x"\neffective_from = 2020-01-01\n'
            '[[regime.rule]]\ntier = 1\nstays = [{ place = "home", days = 7 }]\n'
            "test_days = [9]\n",
            "test days must fall within the stays",
        ),
        (
            '[[regime]]\nid = "x"\neffective_from = 2020-01-01\n'
            '[[regime]]\nid = "x"\neffective_from = 2021-01-01\n',
            "same id",
        ),
    ],
)
def test_a_bad_regime_file_is_refused_with_where_and_why(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "regimes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_regimes(path)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("doses", "last_dose", "expected"),
    [
        (None, None, None),  # not known: the stricter rule
        (1, dt.date(2021, 10, 1), False),
        (2, dt.date(2021, 12, 25), False),  # the second dose too recent: 14 days not passed
        (2, dt.date(2021, 12, 1), True),
        (3, dt.date(2021, 11, 1), True),
        (2, None, False),
    ],
)
def test_who_counts_as_vaccinated(
    doses: int | None, last_dose: dt.date | None, expected: bool | None
) -> None:
    regime = REGIMES.by_code("vn-2021-12")
    exposed = dt.date(2022, 1, 5)
    assert regime.vaccinated(doses, last_dose, exposed_on=exposed) is expected


def test_a_vaccinated_f1_is_proposed_home_under_the_december_2021_regime(
    client: Any, hanoi: Any, make_person: MakePerson
) -> None:
    """Through the API: the same F1 twice, once with two doses declared a month before."""
    from cordon.isolation import proposals

    f0, vaccinated, unknown = make_person(), make_person(), make_person()
    day = dt.date(2022, 1, 5)
    for contact in (vaccinated, unknown):
        body = {"person_id": f0, "contact_id": contact, "first_on": str(day), "last_on": str(day)}
        assert client.post("/api/v1/exposures", json={**body, "setting": "household"}).is_success
    doses = {"vaccine_doses": 2, "last_dose_on": "2021-12-01", "version": 1}
    assert client.patch(f"/api/v1/people/{vaccinated}", json=doses).status_code == 200
    future = {"last_dose_on": str(dt.date.today() + dt.timedelta(days=40)), "version": 2}
    refused = client.patch(f"/api/v1/people/{vaccinated}", json=future)
    assert refused.status_code == 422
    assert "last_dose_on" in refused.text
    case = {"person_id": f0, "status": "confirmed", "confirmed_on": str(day)}
    assert client.post("/api/v1/cases", json=case).status_code == 201  # the tiers: F0, F1s
    assert client.get(f"/api/v1/people/{unknown}/isolation-orders").json() == []  # long over
    # the day after the exposure, as the engine would have reacted then
    proposals.react(hanoi, {vaccinated: 1, unknown: 1}, cause="test", on=dt.date(2022, 1, 6))
    hanoi.commit()
    (home,) = client.get(f"/api/v1/people/{vaccinated}/isolation-orders").json()
    (camp,) = client.get(f"/api/v1/people/{unknown}/isolation-orders").json()
    assert (home["regime_id"], home["place"], home["ends_on"]) == (
        "vn-2021-12",
        "home",
        "2022-01-12",
    )
    assert (camp["place"], camp["ends_on"]) == ("facility", "2022-01-19")
