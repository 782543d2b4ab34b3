"""Discharge rules as data: when a confirmed case may leave hospital, as the Ministry of
Health's guidance stood on a given day (``discharge.toml``; a city's own file through the
setting ``discharge_file``). docs/cases.md says what each field means.

``pcr_problems`` applies a rule's PCR requirement to a case's results, without the database:
the latest results since ``tests_from_day`` must be negative (or a positive with a Ct value
at least ``ct_at_least``) ``negative_tests`` times in a row, their samples at least
``tests_apart_days`` apart, the latest no more than ``last_sample_within_days`` before the
discharge; a result still awaited holds the discharge.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cordon.cases.enums import TestResult
from cordon.core.config import get_settings
from cordon.core.errors import N_, FieldProblem, InvalidInput

BUILT_IN = Path(__file__).resolve().parent / "discharge.toml"
TESTS = "lab_tests"  # the field a problem with the tests is named by


class CountFrom(StrEnum):
    """The day 0 of a rule's count."""

    sample = "sample"  # the positive sample was taken
    confirmation = "confirmation"
    onset = "onset"  # first symptoms


@dataclass(frozen=True)
class DischargeRule:
    id: str
    effective_from: dt.date
    title: str
    legal_basis: str
    count_from: CountFrom
    from_day: int
    negative_tests: int
    tests_from_day: int = 1
    tests_apart_days: int = 1
    last_sample_within_days: int | None = None
    ct_at_least: float | None = None
    symptom_free: bool = True
    monitoring_days: int = 0


@dataclass(frozen=True)
class DischargeRules:
    rules: tuple[DischargeRule, ...]  # sorted by effective_from

    def in_force(self, on: dt.date) -> DischargeRule:
        """The latest rule in force on ``on`` (before the first one: the first)."""
        chosen = self.rules[0]
        for rule in self.rules:
            if rule.effective_from <= on:
                chosen = rule
        return chosen


# -- the PCR requirement ----------------------------------------------------------------------


@dataclass(frozen=True)
class PcrResult:
    """A PCR test of the case as the rule sees it."""

    sample_on: dt.date
    result: TestResult
    ct_value: float | None = None


def counts_as_negative(rule: DischargeRule, test: PcrResult) -> bool:
    if test.result is TestResult.negative:
        return True
    if test.result is not TestResult.positive or rule.ct_at_least is None:
        return False
    return test.ct_value is not None and test.ct_value >= rule.ct_at_least


def spaced(rule: DischargeRule, run: Sequence[PcrResult]) -> list[PcrResult]:
    """The most samples of ``run`` (oldest first) that keep the rule's spacing, taken from the
    latest back (taking the latest each time gives the longest chain)."""
    chain: list[PcrResult] = []
    for test in reversed(run):
        if not chain or (chain[-1].sample_on - test.sample_on).days >= rule.tests_apart_days:
            chain.append(test)
    return chain


def _ct(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def pcr_problems(
    rule: DischargeRule, results: Sequence[PcrResult], day0: dt.date, on: dt.date
) -> list[FieldProblem]:
    """What the case's PCR results still lack for a discharge on ``on`` (none: met)."""
    if rule.negative_tests == 0:
        return []
    first = day0 + dt.timedelta(days=rule.tests_from_day)
    counted = sorted((r for r in results if first <= r.sample_on <= on), key=lambda r: r.sample_on)
    problems = []
    awaited = [r.sample_on for r in counted if r.result is TestResult.pending]
    if awaited:
        problems.append(
            FieldProblem.of(
                TESTS, N_("a PCR result is awaited (sample of %(day)s)"), day=awaited[-1]
            )
        )
    done = [r for r in counted if r.result is not TestResult.pending]
    bad = [r.sample_on for r in done if not counts_as_negative(rule, r)]
    run = [r for r in done if not bad or r.sample_on > max(bad)]  # negative since the last bad
    if bad and not run:
        problems.append(_not_negative(rule, max(bad)))
        return problems
    chain = spaced(rule, run)
    if len(chain) < rule.negative_tests:
        problems.append(
            FieldProblem.of(
                TESTS,
                N_(
                    "%(count)s negative PCR tests in a row are needed, samples from %(first)s "
                    "at least %(apart)s day(s) apart; there are %(have)s"
                ),
                count=rule.negative_tests,
                first=first,
                apart=rule.tests_apart_days,
                have=len(chain),
            )
        )
    within = rule.last_sample_within_days
    if run and within is not None and (on - run[-1].sample_on).days > within:
        problems.append(
            FieldProblem.of(
                TESTS,
                N_(
                    "the latest negative sample (%(day)s) is more than %(days)s day(s) before "
                    "the discharge: take a new one"
                ),
                day=run[-1].sample_on,
                days=within,
            )
        )
    return problems


def _not_negative(rule: DischargeRule, day: dt.date) -> FieldProblem:
    if rule.ct_at_least is None:
        return FieldProblem.of(
            TESTS, N_("the latest PCR test (sample of %(day)s) is not negative"), day=day
        )
    return FieldProblem.of(
        TESTS,
        N_("the latest PCR test (sample of %(day)s) is neither negative nor Ct ≥ %(ct)s"),
        day=day,
        ct=_ct(rule.ct_at_least),
    )


# -- reading a file ---------------------------------------------------------------------------

# field → (kind, required); every other key of a rule is refused by name
FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("text", True),
    "effective_from": ("date", True),
    "title": ("text", False),
    "legal_basis": ("text", False),
    "count_from": ("count_from", True),
    "from_day": ("days", True),
    "negative_tests": ("days", True),
    "tests_from_day": ("days", False),
    "tests_apart_days": ("days", False),
    "last_sample_within_days": ("days", False),
    "ct_at_least": ("ct", False),
    "symptom_free": ("bool", False),
    "monitoring_days": ("days", False),
}
MOST_DAYS = 365


def _value(where: str, name: str, kind: str, raw: object) -> object:
    field = f"{where}, {name}"
    if kind == "text":
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 1000:
            raise InvalidInput.on(field, N_("must be a text of 1 to 1,000 characters"))
        if name == "id" and len(raw) > 40:
            raise InvalidInput.on(field, N_("must be at most %(most)s characters"), most=40)
        return raw
    if kind == "date":
        if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
            raise InvalidInput.on(field, N_("must be a date (YYYY-MM-DD)"))
        return raw
    if kind == "days":
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MOST_DAYS:
            raise InvalidInput.on(
                field, N_("must be a whole number from 0 to %(most)s"), most=MOST_DAYS
            )
        return raw
    if kind == "ct":
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw <= 50:
            raise InvalidInput.on(field, N_("must be a Ct value above 0, at most 50"))
        return float(raw)
    if kind == "bool":
        if not isinstance(raw, bool):
            raise InvalidInput.on(field, N_("must be true or false"))
        return raw
    try:
        return CountFrom(str(raw))
    except ValueError:
        choices = ", ".join(c.value for c in CountFrom)
        raise InvalidInput.on(field, N_("must be one of: %(choices)s"), choices=choices) from None


def _rule(raw: dict[str, Any], where: str) -> DischargeRule:
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InvalidInput.on(f"{where}, {unknown[0]}", N_("is not a field of a discharge rule"))
    values: dict[str, Any] = {}
    for name, (kind, required) in FIELDS.items():
        if name in raw:
            values[name] = _value(where, name, kind, raw[name])
        elif required:
            raise InvalidInput.on(f"{where}, {name}", N_("is missing"))
    return DischargeRule(**values)


def load_rules(path: Path) -> DischargeRules:
    """Read and check a file of rules; ``InvalidInput`` names the file, rule and field at
    fault."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError:
        raise InvalidInput.on("discharge_file", N_("no file %(path)s"), path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.on(path.name, N_("is not TOML: %(error)s"), error=str(exc)) from None
    raw = data.get("rule")
    if not isinstance(raw, list) or not raw:
        raise InvalidInput.on(path.name, N_("holds no [[rule]]"))
    rules = [_rule(r, f"{path.name}, rule {i}") for i, r in enumerate(raw, 1)]
    ids = [r.id for r in rules]
    for rule_id in ids:
        if ids.count(rule_id) > 1:
            raise InvalidInput.on(path.name, N_("two rules have the id %(id)s"), id=rule_id)
    return DischargeRules(tuple(sorted(rules, key=lambda r: r.effective_from)))


@lru_cache
def _cached(path: Path) -> DischargeRules:
    return load_rules(path)


def get_rules() -> DischargeRules:
    """The rules of this installation: the city's file, else the built-in ones."""
    return _cached(get_settings().discharge_file or BUILT_IN)
