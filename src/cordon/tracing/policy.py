"""Tier rule sets as data: loaded from TOML, chosen by date (docs/domain.md §3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import model_validator

from cordon.core.errors import N_, BadValue
from cordon.core.rulesets import DatedRule, Days, RuleFile, RuleSet, choice, whole
from cordon.exposures.enums import Closeness

BUILT_IN = Path(__file__).resolve().parent / "policies.toml"

Depth = Annotated[int, whole(1, 10)]


class TierRules(DatedRule):
    """One versioned rule set: how an F0's transmission window is drawn and how deep tiers go."""

    window_days_before_onset: Days
    window_days_before_sample: Days
    window_days_before_confirmation: Days
    counted_closeness: frozenset[Annotated[Closeness, choice(Closeness)]]
    max_depth: Depth
    reach_tiers: frozenset[Depth] = frozenset({1})  # tiers a tracer must reach in person

    @model_validator(mode="after")
    def _reach_within_depth(self) -> TierRules:
        if not all(k <= self.max_depth for k in self.reach_tiers):
            raise BadValue(N_("reach_tiers must be tiers from 1 to max_depth"))
        return self

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


TierPolicy = RuleSet[TierRules]

POLICY = RuleFile(TierRules, "rule_set", "rule set", BUILT_IN, setting="tier_policy_file")


def get_policy() -> TierPolicy:
    return POLICY.get()
