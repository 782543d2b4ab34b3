"""Column-mapping files (TOML): how another layout's headers and values become Cordon's.

See ``docs/import.md`` for the format; ``templates/mapping-vietnam-2020.toml`` is an example.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.transfer.columns import COLUMNS, Column, Shape


@dataclass(frozen=True)
class Mapping:
    """``columns``: file header → Cordon column (``""`` ignores it); ``values``: per Cordon
    column, file value (case-insensitive) → Cordon value; ``date_formats``: strptime formats
    tried after ISO ``YYYY-MM-DD``; ``prefixes``: text put before a value (``17`` → ``BN17``);
    ``defaults``: the value of a column when the file leaves it empty or lacks it."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


DEFAULT = Mapping()


def load_mapping(data: bytes | Path, shape: Shape, name: str = "mapping") -> Mapping:
    """Parse and check a mapping file against the columns of ``shape``."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    try:
        doc = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput.on(
            name, N_("not a valid TOML mapping file: %(error)s"), error=str(exc)
        ) from None
    problems: list[FieldProblem] = []
    mapping = _build(doc, problems)
    known = {c.name for c in COLUMNS[shape]}
    problems += _unknown_targets(mapping, known)
    if problems:
        raise InvalidInput.of(N_("The mapping file %(name)s has problems."), problems, name=name)
    return mapping


def _build(doc: dict[str, Any], problems: list[FieldProblem]) -> Mapping:
    def table(key: str) -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            problems.append(FieldProblem.of(key, N_("must be a table ([%(key)s])"), key=key))
            return {}
        return value

    values = {k: _strings(f"values.{k}", v, problems) for k, v in table("values").items()}
    formats = table("dates").get("formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not all(isinstance(f, str) for f in formats):
        problems.append(FieldProblem.of("dates.formats", N_("must be a list of strptime formats")))
        formats = []
    return Mapping(
        columns={
            k.strip().casefold(): v
            for k, v in _strings("columns", table("columns"), problems).items()
        },
        values={k: {s.strip().casefold(): t for s, t in v.items()} for k, v in values.items()},
        date_formats=tuple(formats),
        prefixes=_strings("prefixes", table("prefixes"), problems),
        defaults=_strings("defaults", table("defaults"), problems),
    )


def _strings(where: str, value: Any, problems: list[FieldProblem]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(FieldProblem.of(where, N_("must be a table of text values")))
        return {}
    out: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, str | int):
            problems.append(FieldProblem.of(f"{where}.{key}", N_("must be text")))
        else:
            out[str(key)] = str(item)
    return out


def _unknown_targets(mapping: Mapping, known: set[str]) -> list[FieldProblem]:
    problems = [
        FieldProblem.of(
            f"columns.{header}", N_("'%(column)s' is not a Cordon column"), column=target
        )
        for header, target in mapping.columns.items()
        if target and target not in known
    ]
    for section in ("values", "prefixes", "defaults"):
        problems += [
            FieldProblem.of(f"{section}.{name}", N_("not a Cordon column"))
            for name in getattr(mapping, section)
            if name not in known
        ]
    return problems


@dataclass(frozen=True)
class Layout:
    """Where each Cordon column is in one file: its index and its header as the file spells it."""

    positions: dict[str, tuple[int, str]]
    ignored: list[str]


def resolve_layout(header: list[str], columns: tuple[Column, ...], mapping: Mapping) -> Layout:
    """Match the file's header to Cordon columns (by the mapping, else by name)."""
    known = {c.name for c in columns}
    positions: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    problems: list[FieldProblem] = []
    for index, title in enumerate(header):
        key = title.strip().casefold()
        target = mapping.columns.get(key, key if key in known else None)
        if not target:
            if title:
                ignored.append(title)
            continue
        if target in positions:
            first = positions[target][1]
            message = N_("maps to %(column)s like column '%(first)s'")
            problems.append(FieldProblem.of(title, message, row=1, column=target, first=first))
            continue
        positions[target] = (index, title)
    problems += [
        FieldProblem.of(c.name, N_("required column is missing from the header"), row=1)
        for c in columns
        if c.required and c.name not in positions and c.name not in mapping.defaults
    ]
    if problems:
        raise InvalidInput.of(N_("The file's header does not fit this line list."), problems)
    return Layout(positions, ignored)
