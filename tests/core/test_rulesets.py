"""The one loader of rule files (core/rulesets): the rule in force on a day, the errors that
name the file, the rule and the field, the cache and the city's own file — on a rule set of
its own (epidemic levels, as a next feature would declare them) and on the four shipped."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cordon.access.roles import ROLES
from cordon.cases.discharge_rules import RULES
from cordon.core import rulesets
from cordon.core.config import Settings, get_settings
from cordon.core.rulesets import (
    DatedRule,
    Days,
    RuleFile,
    RuleSet,
    RuleSetError,
    UnknownRule,
    choice,
)
from cordon.demo.live_policy import city_regimes
from cordon.isolation.regimes import REGIMES
from cordon.tracing.policy import POLICY

D = dt.date


class Colour(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"


class Level(DatedRule):
    colour: Annotated[Colour, choice(Colour)]
    new_cases_per_week: Days = 0


LEVELS = """
[[level]]
id = "green-2021"
effective_from = 2021-10-11
title = "New normal"
colour = "green"

[[level]]
id = "red-2021-12"
effective_from = 2021-12-01
effective_to = 2021-12-31
colour = "red"
new_cases_per_week = 150
"""


@pytest.fixture
def levels_file(tmp_path: Path) -> Iterator[RuleFile[Level]]:
    built_in = tmp_path / "levels.toml"
    built_in.write_text(LEVELS, encoding="utf-8")
    yield RuleFile(Level, "level", "level", built_in, setting="regime_file")
    rulesets.clear()


# -- the rule in force on a day ---------------------------------------------------------------


def _level(n: int, start: int, length: int | None) -> Level:
    base = D(2021, 1, 1)
    end = None if length is None else base + dt.timedelta(days=start + length)
    return Level(
        id=f"l{n}",
        effective_from=base + dt.timedelta(days=start),
        effective_to=end,
        colour=Colour.green,
    )


spans = st.lists(
    st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 15))),
    min_size=1,
    max_size=6,
)


@given(spans, st.integers(-5, 70))
def test_the_rule_in_force_is_the_last_to_take_effect_among_those_in_force(
    ranges: list[tuple[int, int | None]], offset: int
) -> None:
    """Overlapping, adjacent, open-ended, the same first day: whatever the ranges, the rule
    in force is, of those whose days hold the day, the one that took effect last (of two
    the same day, the later in the file); before them all, the first; else none."""
    listed = [_level(n, start, length) for n, (start, length) in enumerate(ranges)]
    _agrees_with_the_definition(listed, D(2021, 1, 1) + dt.timedelta(days=offset))


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6), st.integers(-5, 70))
def test_without_ends_the_rule_in_force_is_the_last_to_start(
    starts: list[int], offset: int
) -> None:
    listed = [_level(n, start, None) for n, start in enumerate(starts)]
    _agrees_with_the_definition(listed, D(2021, 1, 1) + dt.timedelta(days=offset))


def _agrees_with_the_definition(listed: list[Level], day: dt.date) -> None:
    holding = [
        (r.effective_from, n, r)
        for n, r in enumerate(listed)
        if r.effective_from <= day and (r.effective_to is None or day <= r.effective_to)
    ]
    expected = max(holding, key=lambda t: (t[0], t[1]))[2] if holding else None
    found = RuleSet("level", listed)
    assert found.find(day) == expected
    first = min(enumerate(listed), key=lambda t: (t[1].effective_from, t[0]))[1]
    if expected is not None:
        assert found.in_force(day) == expected
    elif day < first.effective_from:
        assert found.in_force(day) == first
    else:
        with pytest.raises(RuleSetError, match=f"no level is in force on {day}"):
            found.in_force(day)


@given(st.permutations(range(5)), st.integers(-3, 60))
def test_the_order_of_the_file_does_not_matter_when_the_days_differ(
    order: list[int], offset: int
) -> None:
    listed = [_level(n, 10 * n, None if n % 2 else 12) for n in range(5)]
    day = D(2021, 1, 1) + dt.timedelta(days=offset)
    shuffled = RuleSet("level", [listed[i] for i in order])
    assert shuffled.find(day) == RuleSet("level", listed).find(day)


def test_adjacent_rules_hand_over_at_midnight(levels_file: RuleFile[Level]) -> None:
    found = levels_file.get()
    assert [r.id for r in found.rules] == ["green-2021", "red-2021-12"]
    assert found.in_force(D(2021, 11, 30)).id == "green-2021"
    assert found.in_force(D(2021, 12, 1)).id == "red-2021-12"
    assert found.in_force(D(2021, 12, 31)).id == "red-2021-12"
    assert found.in_force(D(2022, 1, 1)).id == "green-2021"  # the red level ended
    assert found.in_force(D(2020, 1, 1)).id == "green-2021"  # before them all: the first
    assert found.by_code("red-2021-12").colour is Colour.red
    assert found.codes == ("green-2021", "red-2021-12")
    with pytest.raises(UnknownRule, match="unknown level 'amber'; levels are: green-2021"):
        found.by_code("amber")


# -- errors: the file, the rule, the field ----------------------------------------------------

GOOD = '[[level]]\nid = "a"\neffective_from = 2021-01-01\ncolour = "red"\n'


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "levels.toml: holds no [[level]]"),
        ("level = 3\n", "levels.toml: holds no [[level]]"),
        ("[[level]\n", "levels.toml: is not TOML: "),
    ],
)
def test_a_file_without_rules_is_refused_naming_it(
    levels_file: RuleFile[Level], text: str, words: str
) -> None:
    levels_file.built_in.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        levels_file.read(levels_file.built_in)
    assert str(caught.value).startswith(words)


TOO_LONG = '"' + "a" * 41 + '"'


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (GOOD + "colur = 1\n", "1, colur", "is not a field of this rule"),
        (GOOD.replace('colour = "red"\n', ""), "1, colour", "is missing"),
        (GOOD.replace('"red"', '"blue"'), "1, colour", "must be one of: green, yellow, red"),
        (GOOD.replace("2021-01-01", '"2021"'), "1, effective_from", "must be a date (YYYY-MM-DD)"),
        (
            GOOD + "effective_to = 2020-12-31\n",
            "1, effective_to",
            "must not be before effective_from (2021-01-01)",
        ),
        (
            GOOD + "new_cases_per_week = true\n",
            "1, new_cases_per_week",
            "must be a whole number from 0 to 365",
        ),
        (GOOD.replace('"a"', '""'), "1, id", "must be a text of 1 to 40 characters"),
        (GOOD.replace('"a"', TOO_LONG), "1, id", "must be a text of 1 to 40 characters"),
        (GOOD + "title = 3\n", "1, title", "must be a text of at most 1000 characters"),
        (GOOD + GOOD.replace("2021", "2022"), "2, id", "two rules have the id a"),
        ("level = [1]\n", "1", "must be a table"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_file_the_rule_and_the_field(
    levels_file: RuleFile[Level], text: str, where: str, message: str
) -> None:
    path = levels_file.built_in
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        levels_file.read(path)
    problem = caught.value.problems[0]
    assert (problem.field, problem.message) == (f"levels.toml, level {where}", message)
    assert problem.template  # translated by the web app
    assert caught.value.status == 422


def test_every_problem_of_a_rule_is_named_with_its_template(
    levels_file: RuleFile[Level],
) -> None:
    levels_file.built_in.write_text(
        '[[level]]\nid = "a"\neffective_from = 2021-01-01\nnew_cases_per_week = -1\n'
        "[level.extra]\nx = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as caught:
        levels_file.read(levels_file.built_in)
    assert caught.value.detail == "levels.toml, level 1 is incomplete or invalid"
    assert [(p.field, p.template) for p in caught.value.problems] == [
        ("levels.toml, level 1, colour", "is missing"),
        ("levels.toml, level 1, new_cases_per_week", "must be a whole number from %(low)s to %(high)s"),  # noqa: E501
        ("levels.toml, level 1, extra", "is not a field of this rule"),
    ]  # fmt: skip
    assert caught.value.problems[1].params == {"low": 0, "high": 365}


def test_a_missing_file_is_named_by_its_setting(levels_file: RuleFile[Level]) -> None:
    with pytest.raises(RuleSetError) as caught:
        levels_file.read(levels_file.built_in.with_name("nowhere.toml"))
    assert caught.value.problems[0].field == "regime_file"
    assert "nowhere.toml" in caught.value.problems[0].message


def test_a_keyed_table_takes_its_key_as_its_id(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text('[roles.watcher]\ntitle = "W"\npermissions = ["people.read"]\n', "utf-8")
    (watcher,) = ROLES.read(path)
    assert (watcher.id, watcher.title_vi) == ("watcher", "W")
    path.write_text('[roles.watcher]\nid = "x"\ntitle = "W"\npermissions = []\n', "utf-8")
    with pytest.raises(RuleSetError) as caught:
        ROLES.read(path)
    assert caught.value.detail == "roles.toml, role watcher, id: is not a field of this rule"
    path.write_text('[roles.watcher]\ntitle = "W"\npermissions = ["people.fly"]\n', "utf-8")
    with pytest.raises(RuleSetError) as caught:
        ROLES.read(path)
    assert caught.value.problems[0].field == "roles.toml, role watcher, permissions 1"


# -- the cache and the city's own file --------------------------------------------------------


def test_a_file_is_read_once_and_again_when_it_changes(levels_file: RuleFile[Level]) -> None:
    first = levels_file.get()
    assert levels_file.get() is first
    path = levels_file.built_in
    path.write_text(LEVELS.replace("New normal", "The new normal"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # another time, whatever the clock's grain
    assert levels_file.get().by_code("green-2021").title == "The new normal"
    rulesets.clear()
    assert levels_file.get() is not first


def test_the_citys_file_replaces_the_built_in_one(
    levels_file: RuleFile[Level], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "city.toml"
    own.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "regime_file", own)
    assert levels_file.paths() == (own,)
    assert levels_file.get().codes == ("a",)
    monkeypatch.setattr(get_settings(), "regime_file", None)
    assert levels_file.get().codes == ("green-2021", "red-2021-12")


def test_the_citys_roles_go_over_the_built_in_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "roles.toml"
    own.write_text(
        '[roles.lab]\ntitle = "Lab of the city"\npermissions = ["lab.write"]\n'
        '[roles.watcher]\ntitle = "Watcher"\npermissions = ["people.read"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(get_settings(), "roles_file", own)
    found = ROLES.get()
    assert found.codes[-2:] == ("auditor", "watcher")  # the built-in order, then the new
    assert found.by_code("lab").title == "Lab of the city"
    assert found.by_code("analyst").pseudonymised


# -- the shipped files ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [POLICY, REGIMES, RULES, ROLES], ids=lambda k: k.table)
def test_every_shipped_file_loads_and_its_setting_exists(kind: RuleFile[DatedRule]) -> None:
    assert kind.setting in Settings.model_fields
    assert len(kind.load(kind.built_in)) >= 2


def test_the_demos_city_file_loads_with_its_declared_regime(tmp_path: Path) -> None:
    start = D(2026, 3, 2)
    path = tmp_path / "regimes.toml"
    path.write_text(city_regimes(start), encoding="utf-8")
    found = REGIMES.load(path)
    assert found.in_force(start).id == "hn-outbreak-2026-03-02"
    assert found.in_force(start - dt.timedelta(days=1)).id == "vn-2022-04"
