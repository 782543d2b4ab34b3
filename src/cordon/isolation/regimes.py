"""Isolation regimes as data: which tier goes where, for how long, and when they are tested,
as the Ministry of Health's rules stood on a given date (``regimes.toml``; a city's own
file through the setting ``regime_file``).

``plan`` turns a rule and a person's last exposure into dates: day 1 is the day after the
last exposure, each stay follows the one before, and test day *d* is the last exposure plus
*d* days. A new exposure is a new last exposure: every date moves along.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from cordon.core.config import get_settings
from cordon.core.errors import InvalidInput
from cordon.isolation.enums import Place

BUILT_IN = Path(__file__).resolve().parent / "regimes.toml"


@dataclass(frozen=True)
class Stay:
    place: Place
    days: int


@dataclass(frozen=True)
class Rule:
    """Where a tier goes under a regime (``vaccinated`` None: whatever their vaccination)."""

    tier: int
    vaccinated: bool | None
    stays: tuple[Stay, ...]
    test_days: tuple[int, ...]

    @property
    def days(self) -> int:
        return sum(s.days for s in self.stays)


@dataclass(frozen=True)
class Regime:
    id: str
    effective_from: dt.date
    title: str
    legal_basis: str
    rules: tuple[Rule, ...]
    # who counts as vaccinated where a rule tells them apart: this many doses, the last at
    # least this many days before the last exposure
    vaccinated_doses: int = 2
    vaccinated_after_days: int = 14

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


@dataclass(frozen=True)
class Regimes:
    regimes: tuple[Regime, ...]  # sorted by effective_from

    def in_force(self, on: dt.date) -> Regime:
        chosen = self.regimes[0]
        for regime in self.regimes:
            if regime.effective_from <= on:
                chosen = regime
        return chosen

    @cached_property
    def tiers(self) -> frozenset[int]:
        """The tiers some regime isolates (the others never need a last exposure)."""
        return frozenset(rule.tier for regime in self.regimes for rule in regime.rules)

    def get(self, regime_id: str) -> Regime:
        for regime in self.regimes:
            if regime.id == regime_id:
                return regime
        raise InvalidInput.on("regime", f"no regime {regime_id!r}")


def _rule(raw: dict[str, Any], where: str) -> Rule:
    stays = tuple(Stay(Place(s["place"]), int(s["days"])) for s in raw["stays"])
    rule = Rule(
        tier=int(raw["tier"]),
        vaccinated=raw.get("vaccinated"),
        stays=stays,
        test_days=tuple(int(d) for d in raw.get("test_days", [])),
    )
    if not stays or any(s.days < 1 for s in stays):
        raise InvalidInput.on(where, "every rule needs stays of at least one day")
    if rule.vaccinated not in (None, True, False) or not 1 <= rule.tier <= 10:
        raise InvalidInput.on(where, "tier must be 1–10 and vaccinated true or false")
    if any(not 0 <= d <= rule.days for d in rule.test_days):
        raise InvalidInput.on(where, "test days must fall within the stays")
    return rule


def _regime(raw: dict[str, Any], where: str) -> Regime:
    try:
        regime = Regime(
            id=str(raw["id"]),
            effective_from=raw["effective_from"],
            title=str(raw.get("title", "")),
            legal_basis=str(raw.get("legal_basis", "")),
            vaccinated_doses=int(raw.get("vaccinated_doses", 2)),
            vaccinated_after_days=int(raw.get("vaccinated_after_days", 14)),
            rules=tuple(
                _rule(r, f"{where}, rule {k + 1}") for k, r in enumerate(raw.get("rule", []))
            ),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput.on(where, f"incomplete or invalid regime ({exc})") from None
    if not isinstance(regime.effective_from, dt.date):
        raise InvalidInput.on(where, "effective_from must be a date")
    return regime


def load_regimes(path: Path) -> Regimes:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    raw = data.get("regime", [])
    if not raw:
        raise InvalidInput.on(str(path), "no [[regime]] found")
    regimes = [_regime(r, f"{path.name}: regime {i + 1}") for i, r in enumerate(raw)]
    ids = [r.id for r in regimes]
    if len(set(ids)) != len(ids):
        raise InvalidInput.on(str(path), "two regimes have the same id")
    return Regimes(tuple(sorted(regimes, key=lambda r: r.effective_from)))


@lru_cache
def _cached(path: Path) -> Regimes:
    return load_regimes(path)


def get_regimes() -> Regimes:
    return _cached(get_settings().regime_file or BUILT_IN)
