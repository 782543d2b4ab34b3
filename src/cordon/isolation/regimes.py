"""Isolation regimes as data: which tier goes where, for how long, and when they are tested,
as the Ministry of Health's rules stood on a given date (``regimes.toml``; a city's own
file through the setting ``regime_file``).

``plan`` turns a rule and a person's last exposure into dates: day 1 is the day after the
last exposure, each stay follows the one before, and test day *d* is the last exposure plus
*d* days. A new exposure is a new last exposure: every date moves along.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cordon.core.errors import N_, BadValue
from cordon.core.rulesets import DatedRule, Days, Flag, RuleFile, RuleSet, Text, choice, whole
from cordon.isolation.enums import Place

BUILT_IN = Path(__file__).resolve().parent / "regimes.toml"

Tier = Annotated[int, whole(1, 10)]


class Stay(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    place: Annotated[Place, choice(Place)]
    days: Annotated[int, whole(1, 365)]


class Rule(BaseModel):
    """Where a tier goes under a regime (``vaccinated`` None: whatever their vaccination)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: Tier
    vaccinated: Flag | None = None
    stays: tuple[Stay, ...]
    test_days: tuple[Days, ...] = ()

    @model_validator(mode="after")
    def _tests_within_stays(self) -> Rule:
        if not self.stays:
            raise BadValue(N_("every rule needs stays of at least one day"))
        if any(d > self.days for d in self.test_days):
            raise BadValue(N_("test days must fall within the stays"))
        return self

    @property
    def days(self) -> int:
        return sum(s.days for s in self.stays)


class Regime(DatedRule):
    legal_basis: Text = ""
    rules: tuple[Rule, ...] = Field(default=(), alias="rule")
    # who counts as vaccinated where a rule tells them apart: this many doses, the last at
    # least this many days before the last exposure
    vaccinated_doses: Annotated[int, whole(1, 10)] = 2
    vaccinated_after_days: Days = 14

    def vaccinated(
        self, doses: int | None, last_dose_on: dt.date | None, *, exposed_on: dt.date
    ) -> bool | None:
        """Whether the person counts as vaccinated on the day of their last exposure; None
        when their vaccination is not known."""
        if doses is None:
            return None
        if doses < self.vaccinated_doses or last_dose_on is None:
            return False
        return (exposed_on - last_dose_on).days >= self.vaccinated_after_days

    def rule_for(self, tier: int, *, vaccinated: bool | None = None) -> Rule | None:
        """The rule for a person of ``tier``: the one for their vaccination when the regime
        tells them apart (unknown vaccination: the stricter, unvaccinated rule)."""
        matching = [r for r in self.rules if r.tier == tier]
        for rule in matching:
            if rule.vaccinated is None or rule.vaccinated == bool(vaccinated):
                return rule
        return None


Regimes = RuleSet[Regime]

REGIMES = RuleFile(Regime, "regime", "regime", BUILT_IN, setting="regime_file")


def get_regimes() -> Regimes:
    return REGIMES.get()


def load_regimes(path: Path) -> Regimes:
    return REGIMES.load(path)


def isolated_tiers(regimes: Regimes) -> frozenset[int]:
    """The tiers some regime isolates (the others never need a last exposure)."""
    return frozenset(rule.tier for regime in regimes for rule in regime.rules)


@dataclass(frozen=True)
class Leg:
    """One stay of a plan: where, from the first day to the last (both included)."""

    place: Place
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class Plan:
    legs: tuple[Leg, ...]
    tests: tuple[dt.date, ...]

    @property
    def ends_on(self) -> dt.date:
        return self.legs[-1].last_day


def plan(rule: Rule, last_exposure: dt.date) -> Plan:
    legs = []
    first = last_exposure + dt.timedelta(days=1)
    for stay in rule.stays:
        last = first + dt.timedelta(days=stay.days - 1)
        legs.append(Leg(stay.place, first, last))
        first = last + dt.timedelta(days=1)
    tests = tuple(last_exposure + dt.timedelta(days=d) for d in rule.test_days)
    return Plan(tuple(legs), tests)
