"""Cell parsers: text in a file → typed values, or ``BadValue`` with a message for the user.

Parsers are built once per import (with the mapping's value maps, date formats and prefixes)
and cache what repeats in a line list (dates, enum values), so validation stays fast.
Messages never repeat a phone number, ID number or name: errors may be logged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

import phonenumbers

from cordon.core.errors import N_, BadValue
from cordon.core.phones import normalize_phone
from cordon.core.text import normalize_name
from cordon.linelists.columns import Column, Kind
from cordon.linelists.countries import country_code
from cordon.linelists.mapping import CATCH_ALL, CodeRule, Layout, Mapping

Parser = Callable[[str], Any]
TRUE = frozenset({"true", "yes", "y", "1", "x", "có"})
FALSE = frozenset({"false", "no", "n", "0", "không"})
NATIONAL_ID = re.compile(r"\d{9}|\d{12}|[A-Z]{1,2}\d{6,8}")
CODE = re.compile(r"[^\s;,]{1,32}")
COUNTRY = re.compile(r"[A-Z]{2}")
ABSENT = 2**31  # the index of a column the file lacks
RANGES = {"age": (0, 130), "birth_year": (1880, 9999)}


def parse_date(raw: str, formats: tuple[str, ...], today: dt.date) -> dt.date:
    """ISO ``YYYY-MM-DD`` first, then each mapping format; never after ``today``."""
    day = _iso(raw) if len(raw) == 10 and raw[4] == "-" else None
    if day is None:
        for fmt in formats:
            try:
                day = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
    if day is None:
        shown = " or ".join(("YYYY-MM-DD", *formats))
        # The cell's value is not repeated: it may be a date of birth (personal data).
        raise BadValue(N_("is not a valid date (%(formats)s)"), formats=shown)
    if day > today:
        raise BadValue(N_("is in the future"))
    if day.year < 1880:
        raise BadValue(N_("is before 1880"))
    return day


def _iso(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_bool(raw: str) -> bool:
    key = raw.casefold()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise BadValue(N_("'%(value)s' is not yes/no (true/false, 1/0)"), value=raw[:20])


def parse_int(raw: str, low: int = -(2**31), high: int = 2**31) -> int:
    try:
        value = int(float(raw)) if "." in raw else int(raw)
    except ValueError:
        raise BadValue(N_("'%(value)s' is not a whole number"), value=raw[:20]) from None
    if not low <= value <= high:
        raise BadValue(
            N_("%(value)s is not between %(low)s and %(high)s"), value=value, low=low, high=high
        )
    return value


def parse_national_id(raw: str) -> str:
    value = raw.replace(" ", "").upper()
    if not NATIONAL_ID.fullmatch(value):
        raise BadValue(N_("not an ID number: 9 (CMND) or 12 (CCCD) digits, or a passport number"))
    return value


def parse_country(raw: str) -> str:
    """A two-letter ISO code, or a country's name in English or Vietnamese (or an alias)."""
    value = raw.upper()
    if COUNTRY.fullmatch(value):
        return value
    code = country_code(raw)
    if code is None:
        raise BadValue(
            N_("'%(value)s' is no country name or 2-letter ISO code (VN, GB …)"), value=raw[:40]
        )
    return code


def parse_code(raw: str, prefix: str = "", rule: CodeRule | None = None) -> str:
    value = prefix + raw if prefix and raw.isdigit() else raw
    if rule is not None:
        value = rule.normalise(value)
    if not CODE.fullmatch(value):
        raise BadValue(
            N_("'%(value)s' is not a case code (no spaces, at most 32 characters)"),
            value=raw[:40],
        )
    return value


@dataclass(frozen=True)
class FastPhone:
    """E.164 for national numbers of the default region without calling libphonenumber's full
    parser: the same metadata patterns, so the same verdicts; anything else falls back."""

    region: str

    def __call__(self, raw: str) -> str:
        digits = raw.replace(" ", "").replace(".", "").replace("-", "")
        country, prefix, pattern = _phone_metadata(self.region)
        national = None
        if prefix and digits.startswith(prefix) and digits.isdigit():
            national = digits[len(prefix) :]
        elif digits.startswith("+" + country) and digits[1:].isdigit():
            national = digits[len(country) + 1 :]
        if national is not None and pattern.fullmatch(national):
            return f"+{country}{national}"
        return normalize_phone(raw, self.region)


@lru_cache
def _phone_metadata(region: str) -> tuple[str, str, re.Pattern[str]]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return "", "", re.compile(r"(?!)")
    kinds = (meta.mobile, meta.fixed_line)
    patterns = [k.national_number_pattern for k in kinds if k and k.national_number_pattern]
    joined = "|".join(f"(?:{p})" for p in patterns) or r"(?!)"
    return str(meta.country_code), meta.national_prefix or "", re.compile(joined)


def _text(column: Column) -> Parser:
    limit = column.max_length
    is_name = column.name.endswith("full_name")

    def parse(raw: str) -> str:
        value = normalize_name(raw) if is_name else raw
        if len(value) > limit:
            raise BadValue(N_("is longer than %(limit)s characters"), limit=limit)
        return value

    return parse


def _enum(column: Column) -> Parser:
    choices = {c.value.casefold(): c for c in column.choices}

    def parse(raw: str) -> StrEnum:
        try:
            return choices[raw.casefold()]
        except KeyError:
            raise BadValue(
                N_("'%(value)s' is not one of: %(choices)s"),
                value=raw[:40],
                choices=", ".join(c.value for c in column.choices),
            ) from None

    return parse


def _cached(parse: Parser) -> Parser:
    cache: dict[str, Any] = {}

    def cached(raw: str) -> Any:
        try:
            return cache[raw]
        except KeyError:
            value = cache[raw] = parse(raw)
            return value

    return cached


def _sources(column: Column, mapping: Mapping) -> Parser:
    """Codes separated by ``;`` or ``,`` — or by spaces when the mapping has a ``[codes]``
    rule (``NB 001`` is then one code, ``NB1 NB2`` two) —, each mapped, prefixed and
    normalised like ``case_code``."""
    values = mapping.values.get(column.name, {})
    prefix = mapping.prefixes.get("case_code", "")
    rule = mapping.codes

    def parse(raw: str) -> tuple[str, ...]:
        tokens = _tokens(raw, rule)
        mapped = (values.get(t.casefold(), t) for t in tokens if t)
        prefixed = (prefix + t if prefix and t.isdigit() else t for t in mapped if t)
        return tuple(rule.normalise(t) if rule else t for t in prefixed)

    return parse


def _clusters(column: Column, mapping: Mapping) -> Parser:
    """Cluster codes or names separated by ``;``, each through ``[values.cluster]``."""
    values = mapping.values.get(column.name, {})
    text = _text(Column(column.name, max_length=120))

    def parse(raw: str) -> tuple[str, ...]:
        tokens = (t.strip() for t in raw.split(";"))
        mapped = (values.get(t.casefold(), t) for t in tokens if t)
        return tuple(dict.fromkeys(" ".join(text(t).split()) for t in mapped if t))

    return parse


def _tokens(raw: str, rule: CodeRule | None) -> list[str]:
    parts = [t.strip() for t in raw.replace(",", ";").split(";")]
    if rule is None:
        return parts
    out: list[str] = []
    for part in parts:
        if rule.pattern.fullmatch(part) is not None:
            out.append(part)
        else:  # codes apart by spaces: "NB 001 NB2" is NB 001 and NB2
            out += [m.group(0) for m in rule.pattern.finditer(part)] or part.split()
    return out


class CaughtAll(NamedTuple):
    """A cell the column could not read, taken by the mapping's ``"*"`` catch-all: its
    value (None when the catch-all maps to ``""``)."""

    value: Any


def build_parser(column: Column, mapping: Mapping, region: str, today: dt.date) -> Parser:
    """The parser of one column: the mapping's value map first, then the column's kind, then
    the mapping's catch-all ``"*"`` for what the column cannot read."""
    parse = _kind_parser(column, mapping, region, today)
    values = mapping.values.get(column.name)
    if values and column.kind not in (Kind.sources, Kind.clusters):
        inner = parse
        fallback = values.get(CATCH_ALL)

        def parse(raw: str) -> Any:
            mapped = values.get(raw.casefold(), raw)
            if not mapped:
                return None  # mapped to "": the cell is empty
            try:
                return inner(mapped)
            except ValueError:
                if fallback is None:
                    raise
            return CaughtAll(inner(fallback) if fallback else None)

    return parse


def _kind_parser(column: Column, mapping: Mapping, region: str, today: dt.date) -> Parser:
    kind = column.kind
    if kind is Kind.date:
        return _cached(lambda raw: parse_date(raw, mapping.date_formats, today))
    if kind is Kind.integer:
        low, high = RANGES.get(column.name.removeprefix("contact_"), (-(2**31), 2**31))
        return _cached(lambda raw: parse_int(raw, low, min(high, today.year)))
    if kind is Kind.enum:
        return _cached(_enum(column))
    if kind is Kind.boolean:
        return parse_bool
    if kind is Kind.phone:
        return FastPhone(region)
    if kind is Kind.national_id:
        return parse_national_id
    if kind is Kind.country:
        return _cached(parse_country)
    if kind is Kind.code:
        prefix = mapping.prefixes.get(column.name, mapping.prefixes.get("case_code", ""))
        return lambda raw: parse_code(raw, prefix, mapping.codes)
    if kind is Kind.sources:
        return _sources(column, mapping)
    if kind is Kind.clusters:
        return _cached(_clusters(column, mapping))
    return _text(column)


class FieldReader(NamedTuple):
    """One Cordon column of one file: where it is, what the file calls it, how to read it."""

    name: str
    position: int  # a large number when not in the file (only a default applies)
    header: str
    parse: Parser
    required: bool
    default: str


def field_readers(
    columns: tuple[Column, ...], layout: Layout, mapping: Mapping, region: str, today: dt.date
) -> list[FieldReader]:
    readers = []
    for column in columns:
        index, header = layout.positions.get(column.name, (ABSENT, column.name))
        default = mapping.defaults.get(column.name, "")
        if index == ABSENT and not default:
            continue
        parse = build_parser(column, mapping, region, today)
        readers.append(FieldReader(column.name, index, header, parse, column.required, default))
    return readers
