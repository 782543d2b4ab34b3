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
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import PlainValidator

from cordon.cases.enums import TestResult
from cordon.core.errors import N_, BadValue, FieldProblem
from cordon.core.rulesets import DatedRule, Days, Flag, RuleFile, RuleSet, Text, choice

BUILT_IN = Path(__file__).resolve().parent / "discharge.toml"
TESTS = "lab_tests"  # the field a problem with the tests is named by


class CountFrom(StrEnum):
    """The day 0 of a rule's count."""

    sample = "sample"  # the positive sample was taken
    confirmation = "confirmation"
    onset = "onset"  # first symptoms


def _ct_value(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw <= 50:
        raise BadValue(N_("must be a Ct value above 0, at most 50"))
    return float(raw)


class DischargeRule(DatedRule):
    legal_basis: Text = ""
    count_from: Annotated[CountFrom, choice(CountFrom)]
    from_day: Days
    negative_tests: Days
    tests_from_day: Days = 1
    tests_apart_days: Days = 1
    last_sample_within_days: Days | None = None
    ct_at_least: Annotated[float, PlainValidator(_ct_value)] | None = None
    symptom_free: Flag = True
    monitoring_days: Days = 0


DischargeRules = RuleSet[DischargeRule]

RULES = RuleFile(DischargeRule, "rule", "rule", BUILT_IN, setting="discharge_file")


def get_rules() -> DischargeRules:
    """The rules of this installation: the city's file, else the built-in ones."""
    return RULES.get()


def load_rules(path: Path) -> DischargeRules:
    """Read and check a file of rules; ``RuleSetError`` names the file, rule and field at
    fault."""
    return RULES.load(path)


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
