"""Tier rule sets as data: loaded from TOML, chosen by date (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cordon.core.config import get_settings
from cordon.core.errors import InvalidInput
from cordon.exposures.enums import Closeness

BUILT_IN = Path(__file__).resolve().parent / "policies.toml"


@dataclass(frozen=True)
class TierRules:
    """One versioned rule set: how an F0's transmission window is drawn and how deep tiers go."""

    id: str
    effective_from: dt.date
    title: str
    window_days_before_onset: int
    window_days_before_sample: int
    window_days_before_confirmation: int
    counted_closeness: frozenset[Closeness]
    max_depth: int
    reach_tiers: frozenset[int] = frozenset({1})  # tiers a tracer must reach in person

    def window_start(
        self,
        *,
        onset_on: dt.date | None,
        sample_on: dt.date | None,
        confirmed_on: dt.date | None,
    ) -> dt.date | None:
        """The first day an F0 could infect: before onset, else before sampling (asymptomatic),
        else before confirmation. None when the case has none of these dates."""
        if onset_on is not None:
            return onset_on - dt.timedelta(days=self.window_days_before_onset)
        if sample_on is not None:
            return sample_on - dt.timedelta(days=self.window_days_before_sample)
        if confirmed_on is not None:
            return confirmed_on - dt.timedelta(days=self.window_days_before_confirmation)
        return None


@dataclass(frozen=True)
class TierPolicy:
    rule_sets: tuple[TierRules, ...]  # sorted by effective_from

    def in_force(self, on: dt.date) -> TierRules:
        chosen = self.rule_sets[0]
        for rules in self.rule_sets:
            if rules.effective_from <= on:
                chosen = rules
        return chosen


def _rules(raw: dict[str, object], where: str) -> TierRules:
    try:
        closeness = frozenset(Closeness(c) for c in raw["counted_closeness"])  # type: ignore[attr-defined]
        rules = TierRules(
            id=str(raw["id"]),
            effective_from=raw["effective_from"],  # type: ignore[arg-type]
            title=str(raw.get("title", "")),
            window_days_before_onset=int(raw["window_days_before_onset"]),  # type: ignore[call-overload]
            window_days_before_sample=int(raw["window_days_before_sample"]),  # type: ignore[call-overload]
            window_days_before_confirmation=int(raw["window_days_before_confirmation"]),  # type: ignore[call-overload]
            counted_closeness=closeness,
            max_depth=int(raw["max_depth"]),  # type: ignore[call-overload]
            reach_tiers=frozenset(int(k) for k in raw.get("reach_tiers", [1])),  # type: ignore[attr-defined]
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput.on(where, f"incomplete or invalid rule set ({exc})") from None
    if not isinstance(rules.effective_from, dt.date) or not 1 <= rules.max_depth <= 10:
        raise InvalidInput.on(where, "effective_from must be a date and max_depth 1–10")
    if not all(1 <= k <= rules.max_depth for k in rules.reach_tiers):
        raise InvalidInput.on(where, "reach_tiers must be tiers from 1 to max_depth")
    return rules


def load_policy(path: Path) -> TierPolicy:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    raw_sets = data.get("rule_set", [])
    if not raw_sets:
        raise InvalidInput.on(str(path), "no [[rule_set]] found")
    rule_sets = [_rules(r, f"{path.name}: rule_set {i + 1}") for i, r in enumerate(raw_sets)]
    return TierPolicy(tuple(sorted(rule_sets, key=lambda r: r.effective_from)))


@lru_cache
def _cached(path: Path) -> TierPolicy:
    return load_policy(path)


def get_policy() -> TierPolicy:
    return _cached(get_settings().tier_policy_file or BUILT_IN)
