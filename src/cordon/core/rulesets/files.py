"""Reading a rule file: TOML, each rule checked by its model, cached while the file stays the
same, the city's own file named by a setting.

Every refusal is a ``RuleSetError`` (an ``InvalidInput``, 422 through the API) whose problems
name the file, the rule and the field — ``regimes.toml, regime 2, rule 1, stays 1, place`` —
with a message the web app translates.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from cordon.core.config import get_settings
from cordon.core.errors import N_, FieldProblem
from cordon.core.rulesets.rules import R, RuleSet, RuleSetError

Stamp = tuple[int, int] | None  # a file's modification time and size (None: no such file)

_CACHE: dict[tuple[str, tuple[Path, ...]], tuple[tuple[Stamp, ...], RuleSet[Any]]] = {}

# pydantic's errors that no kind of value of ``values`` says itself
SAID = {
    "missing": N_("is missing"),
    "extra_forbidden": N_("is not a field of this rule"),
    "model_type": N_("must be a table"),
    "dict_type": N_("must be a table"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "set_type": N_("must be a list"),
    "frozen_set_type": N_("must be a list"),
}


@dataclass(frozen=True)
class RuleFile(Generic[R]):
    """A kind of rule file: the model of one rule, where the rules are in the file, the
    built-in file and the setting that names a city's own."""

    rule: type[R]
    table: str  # [[table]] (each rule with its id), or [table.<id>] when ``keyed``
    noun: str  # one rule as errors name it: "regime" → "regimes.toml, regime 2"
    built_in: Path
    setting: str  # the settings field (CORDON_<SETTING>) naming the city's own file
    keyed: bool = False
    over_built_in: bool = False  # the city's rules add to the built-in ones (else replace them)

    def get(self) -> RuleSet[R]:
        """The rules of this installation, read again when a file changes."""
        paths = self.paths()
        stamps = tuple(_stamp(path) for path in paths)
        key = (self.setting, paths)
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == stamps:
            return cached[1]
        found = self.load(*paths)
        _CACHE[key] = (stamps, found)
        return found

    def paths(self) -> tuple[Path, ...]:
        """The files read: the built-in one, or the city's (with the built-in one under it)."""
        own = getattr(get_settings(), self.setting)
        if own is None:
            return (self.built_in,)
        return (self.built_in, Path(own)) if self.over_built_in else (Path(own),)

    def load(self, *paths: Path) -> RuleSet[R]:
        """The rules of ``paths``, each file over the ones before it (by id)."""
        rules: dict[str, R] = {}
        for path in paths:
            rules.update((rule.id, rule) for rule in self.read(path))
        return RuleSet(self.noun, rules.values())

    def read(self, path: Path) -> list[R]:
        """The rules of one file, checked; ``RuleSetError`` names what is wrong."""
        data = _toml(path, self.setting)
        entries = self._entries(data, path.name)
        rules = [self._rule(raw, f"{path.name}, {self.noun} {name}") for name, raw in entries]
        _refuse_twins([rule.id for rule in rules], [name for name, _ in entries], self, path)
        return rules

    def _entries(self, data: dict[str, Any], name: str) -> list[tuple[str, object]]:
        raw = data.get(self.table)
        if self.keyed and isinstance(raw, dict) and raw:
            return [
                (key, _with_id(key, table, f"{name}, {self.noun} {key}"))
                for key, table in raw.items()
            ]
        if not self.keyed and isinstance(raw, list) and raw:
            return [(str(i), table) for i, table in enumerate(raw, 1)]
        shown = f"[{self.table}.…]" if self.keyed else f"[[{self.table}]]"
        raise RuleSetError.on(name, N_("holds no %(table)s"), table=shown)

    def _rule(self, raw: object, where: str) -> R:
        try:
            return self.rule.model_validate(raw)
        except ValidationError as exc:
            problems = [_problem(where, error) for error in exc.errors()]
            raise RuleSetError.of(
                N_("%(where)s is incomplete or invalid"), problems, where=where
            ) from None


def clear() -> None:
    """Forget every rule set read (the next ``get`` reads the files again)."""
    _CACHE.clear()


def _stamp(path: Path) -> Stamp:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


def _toml(path: Path, setting: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError:
        raise RuleSetError.on(setting, N_("no file %(path)s"), path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError.on(path.name, N_("is not TOML: %(error)s"), error=str(exc)) from None


def _with_id(key: str, table: object, where: str) -> object:
    """A keyed rule's table with its key as its id (an ``id`` of its own is refused)."""
    if not isinstance(table, dict):
        return table
    if "id" in table:
        raise RuleSetError.on(f"{where}, id", N_("is not a field of this rule"))
    return {"id": key, **table}


def _refuse_twins(
    ids: Sequence[str], names: Sequence[str], kind: RuleFile[Any], path: Path
) -> None:
    seen: set[str] = set()
    for rule_id, name in zip(ids, names, strict=True):
        if rule_id in seen:
            problem = FieldProblem.of(
                f"{path.name}, {kind.noun} {name}, id",
                N_("two rules have the id %(id)s"),
                id=rule_id,
            )
            raise RuleSetError.of(
                N_("%(file)s: two rules have the same id"), [problem], file=path.name
            )
        seen.add(rule_id)


def _problem(where: str, error: ErrorDetails) -> FieldProblem:
    field = ", ".join([where, *_place(error["loc"])])
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return FieldProblem.from_error(field, cause)
    template = SAID.get(error["type"])
    if template is not None:
        return FieldProblem.of(field, template)
    return FieldProblem.of(field, N_("is not valid: %(reason)s"), reason=error["msg"])


def _place(loc: tuple[int | str, ...]) -> list[str]:
    """pydantic's location as the file's words: ``("rule", 0, "stays", 1)`` → ``rule 1,
    stays 2`` (rules, stays and list items counted from 1)."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int) and parts:
            parts[-1] = f"{parts[-1]} {part + 1}"
        else:
            parts.append(str(part + 1) if isinstance(part, int) else part)
    return parts
