"""Policy as data: dated rule sets read from TOML files (docs/architecture.md, "Policy as
data"; ADR 0018).

A feature declares the model of one rule (a ``Rule`` or ``DatedRule`` with fields of the
kinds in ``values``) and a ``RuleFile`` saying where its rules are; ``RuleFile.get()`` gives
the installation's ``RuleSet``: by code, in order, and — dated — the rule in force on a day.
"""

from cordon.core.rulesets.files import RuleFile, clear
from cordon.core.rulesets.rules import (
    DatedRule,
    Rule,
    RuleSet,
    RuleSetError,
    UnknownRule,
)
from cordon.core.rulesets.values import Code, Day, Days, Flag, Text, choice, whole

__all__ = [
    "Code",
    "DatedRule",
    "Day",
    "Days",
    "Flag",
    "Rule",
    "RuleFile",
    "RuleSet",
    "RuleSetError",
    "Text",
    "UnknownRule",
    "choice",
    "clear",
    "whole",
]
