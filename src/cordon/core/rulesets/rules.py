"""One rule, and the rule set of a file: its rules by code and, when dated, by day.

A dated rule is in force from its ``effective_from`` to its ``effective_to`` (both days
included; no ``effective_to``: until further notice). On a day, the rule in force is the one
that took effect last among those in force that day — a later rule overrides an earlier one
for as long as it lasts — and of two taking effect the same day, the later in the file. A
day before every rule is judged by the first rule (the files begin with the rules of the
epidemic's first day). A day that no rule covers after that is a gap: ``find`` answers None,
``in_force`` refuses it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from cordon.core.errors import N_, BadValue, InvalidInput
from cordon.core.rulesets.values import Code, Day, Text


class Rule(BaseModel):
    """Base of the model of one rule: its code (``id`` in the files) and title. A field the
    model does not declare is refused, by name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Code
    title: Text = ""


class DatedRule(Rule):
    """A rule with the days it is in force."""

    effective_from: Day
    effective_to: Day | None = None

    @field_validator("effective_to")
    @classmethod
    def _not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("effective_from")
        if value is not None and start is not None and value < start:
            raise BadValue(N_("must not be before effective_from (%(day)s)"), day=start)
        return value

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


R = TypeVar("R", bound=Rule)
D = TypeVar("D", bound=DatedRule)


class RuleSetError(InvalidInput):
    """A rule file that cannot be used: the file, the rule and the field at fault."""


class UnknownRule(LookupError):
    """A code that no rule of the set has (a record may name a rule since removed)."""


class RuleSet(Generic[R]):
    """The rules of a file, in the file's order; dated rules by the day they take effect."""

    def __init__(self, noun: str, rules: Iterable[R]) -> None:
        listed = tuple(rules)
        if all(isinstance(rule, DatedRule) for rule in listed):
            listed = tuple(sorted(listed, key=_start))
        self.noun = noun  # how one rule is called: "regime", "role"
        self.rules = listed
        self._by_code = {rule.id: rule for rule in listed}
        # without an end to any rule, the rule in force is the last to start: a bisection
        self._starts = [_start(rule) for rule in listed]
        self._open_ended = all(getattr(rule, "effective_to", None) is None for rule in listed)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def by_code(self, code: str) -> R:
        try:
            return self._by_code[code]
        except KeyError:
            known = ", ".join(self._by_code)
            raise UnknownRule(f"unknown {self.noun} {code!r}; {self.noun}s are: {known}") from None

    def find(self: RuleSet[D], on: dt.date) -> D | None:
        """The rule in force on ``on``; None before the first rule and in a gap."""
        if self._open_ended:
            last = bisect_right(self._starts, on) - 1
            return self.rules[last] if last >= 0 else None
        for rule in reversed(self.rules):
            if rule.in_force_on(on):
                return rule
        return None

    def in_force(self: RuleSet[D], on: dt.date) -> D:
        """The rule in force on ``on``; before the first rule, the first."""
        found = self.find(on)
        if found is not None:
            return found
        if self.rules and on < self.rules[0].effective_from:
            return self.rules[0]
        raise RuleSetError.of(N_("no %(noun)s is in force on %(day)s"), noun=self.noun, day=on)


def _start(rule: Rule) -> dt.date:
    return rule.effective_from if isinstance(rule, DatedRule) else dt.date.min
