"""Column-mapping files (TOML): how another layout's headers and values become Cordon's.

See ``docs/import.md`` for the format; ``templates/mapping-vietnam-2020.toml`` is an example.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.linelists.columns import COLUMNS, Column, Shape


@dataclass(frozen=True)
class Mapping:
    """``columns``: file header → Cordon column (``""`` ignores it); ``values``: per Cordon
    column, file value (case-insensitive) → Cordon value; ``date_formats``: strptime formats
    tried after ISO ``YYYY-MM-DD``; ``prefixes``: text put before a value (``17`` → ``BN17``);
    ``defaults``: the value of a column when the file leaves it empty or lacks it; ``file``:
    how the file is read (its encoding, its header's line); ``codes``: how case codes are
    written (``CodeRule``)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    file: FileRules = field(default_factory=lambda: FileRules())
    codes: CodeRule | None = None


@dataclass(frozen=True)
class FileRules:
    """``encoding``: a Python codec name (``cp1258``), else detected; ``header_row``: the
    header's line (1 = the first), else found by itself."""

    encoding: str | None = None
    header_row: int | None = None


CATCH_ALL = "*"  # in [values.<column>]: every value the column cannot read


@dataclass(frozen=True)
class CodeRule:
    """Case codes written several ways (``NB1``, ``NB 001``, ``nb-01``) made one: a code that
    ``pattern`` matches (its ``letters`` and its ``number`` as groups) is written ``prefix``
    (else its own letters in capitals) + the number padded with zeros to ``digits``."""

    pattern: re.Pattern[str]
    prefix: str | None
    digits: int = 0

    def normalise(self, raw: str) -> str:
        found = self.pattern.fullmatch(raw.strip())
        if found is None:
            return raw
        number = found.group("number").lstrip("0") or "0"
        letters = self.prefix
        if letters is None:
            letters = (found.groupdict().get("letters") or "").upper()
        return letters + number.zfill(self.digits)


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
        file=_file_rules(table("file"), problems),
        codes=_code_rule(table("codes"), problems),
        columns={
            header_key(k): v for k, v in _strings("columns", table("columns"), problems).items()
        },
        values={k: {s.strip().casefold(): t for s, t in v.items()} for k, v in values.items()},
        date_formats=tuple(formats),
        prefixes=_strings("prefixes", table("prefixes"), problems),
        defaults=_strings("defaults", table("defaults"), problems),
    )


def _file_rules(doc: dict[str, Any], problems: list[FieldProblem]) -> FileRules:
    encoding, row = doc.get("encoding"), doc.get("header_row")
    if encoding is not None:
        try:
            encoding = codecs.lookup(str(encoding)).name
        except LookupError:
            problems.append(FieldProblem.of("file.encoding", N_("not a known encoding")))
            encoding = None
    if row is not None and (isinstance(row, bool) or not isinstance(row, int) or row < 1):
        problems.append(FieldProblem.of("file.header_row", N_("must be a line number from 1")))
        row = None
    return FileRules(encoding, row)


DEFAULT_CODE = r"(?P<letters>[A-Za-z]*)[\s._-]*(?P<number>\d+)"


def _code_rule(doc: dict[str, Any], problems: list[FieldProblem]) -> CodeRule | None:
    """``[codes] pattern`` (a regular expression with a ``number`` group), ``prefix``,
    ``digits``; ``None`` when the mapping has no ``[codes]``."""
    if not doc:
        return None
    pattern, prefix = doc.get("pattern", DEFAULT_CODE), doc.get("prefix")
    digits = doc.get("digits", 0)
    try:
        compiled = re.compile(str(pattern), re.IGNORECASE)
    except re.error:
        problems.append(FieldProblem.of("codes.pattern", N_("not a valid regular expression")))
        return None
    if "number" not in compiled.groupindex:
        problems.append(FieldProblem.of("codes.pattern", N_("needs a group (?P<number>…)")))
        return None
    if prefix is not None and (not isinstance(prefix, str) or len(prefix) > 16):
        problems.append(FieldProblem.of("codes.prefix", N_("must be text (the codes' letters)")))
        return None
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
        problems.append(FieldProblem.of("codes.digits", N_("must be a number from 0 to 12")))
        return None
    return CodeRule(compiled, prefix, digits)


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


def header_key(title: str) -> str:
    """A header cell as it is matched: any case, runs of spaces and line breaks as one space."""
    return " ".join(title.split()).casefold()


def naming(columns: tuple[Column, ...], mapping: Mapping) -> Callable[[str], str | None]:
    """A header cell → the Cordon column it names (by the mapping, else by name), or None."""
    known = {c.name for c in columns}

    def name(title: str) -> str | None:
        key = header_key(title)
        return mapping.columns.get(key, key if key in known else None) or None

    return name


def resolve_layout(
    header: list[str], columns: tuple[Column, ...], mapping: Mapping, line: int = 1
) -> Layout:
    """Match the file's header to Cordon columns (by the mapping, else by name). A column
    whose header repeats an earlier one word for word is left out (listed as ignored)."""
    name = naming(columns, mapping)
    positions: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    problems: list[FieldProblem] = []
    for index, title in enumerate(header):
        target = name(title)
        if not target:
            if title:
                ignored.append(title)
            continue
        if target in positions and header_key(positions[target][1]) == header_key(title):
            ignored.append(title)
            continue
        if target in positions:
            first = positions[target][1]
            message = N_("maps to %(column)s like column '%(first)s'")
            problems.append(FieldProblem.of(title, message, row=line, column=target, first=first))
            continue
        positions[target] = (index, title)
    problems += [
        FieldProblem.of(c.name, N_("required column is missing from the header"), row=line)
        for c in columns
        if c.required and c.name not in positions and c.name not in mapping.defaults
    ]
    if problems:
        raise InvalidInput.of(N_("The file's header does not fit this line list."), problems)
    return Layout(positions, ignored)
