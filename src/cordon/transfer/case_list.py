"""Validate a cases line list: each row a case and its person, checked against the file and
the database, ready for the bulk inserts. Problems from every row are collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.cases.enums import CaseStatus, SourceKind
from cordon.core.errors import N_, FieldProblem
from cordon.core.text import fold
from cordon.people.bulk import PersonRow
from cordon.transfer import lookups
from cordon.transfer.cells import COUNTRY
from cordon.transfer.lookups import province_key
from cordon.transfer.rows import Cells, check_order, order_warnings, person_rows
from cordon.transfer.source import Source, fold_line_names, parsed_cells

CASE_DATES = ("onset_on", "sample_on", "confirmed_on", "isolated_on", "discharged_on", "died_on")
CASE_TEXT = ("province", "treated_at")
CASE_FIELDS = (*CASE_DATES, *CASE_TEXT, "status", "classification", "asymptomatic")


@dataclass(slots=True)
class CaseLine:
    line: int
    code: str
    person: PersonRow
    sources: tuple[str, ...] = ()
    named: bool = True  # False when the file gave no name (the case code stands in)
    person_id: int | None = None  # an existing person, reused
    folded: str = ""  # the person's name folded (``fold``), once for matching and writing
    warnings: list[FieldProblem] = field(default_factory=list)  # facts to review, kept
    clusters: tuple[str, ...] = ()  # cluster codes or names, as the file (mapped) gives them


@dataclass
class Resolved:
    """A source of a case: ``case_line`` (a case of this file) or ``case_id`` (registered)."""

    kind: SourceKind
    case_line: int | None = None
    case_id: int | None = None
    country_code: str | None = None
    cluster_id: int | None = None


@dataclass
class CasePlan:
    lines: list[CaseLine] = field(default_factory=list)
    fields: dict[str, list[Any]] = field(default_factory=dict)  # CASE_FIELDS of each line
    sources: list[tuple[int, Resolved]] = field(default_factory=list)  # (line index, source)
    problems: list[FieldProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns of the file not used
    clusters: ClusterPlan = field(default_factory=lambda: ClusterPlan())
    caught: dict[str, int] = field(default_factory=dict)  # cells the catch-alls took

    @property
    def warnings(self) -> list[FieldProblem]:
        return [w for item in self.lines for w in item.warnings]


@dataclass
class ClusterPlan:
    """The ``cluster`` column: registered clusters by the file's token, the new ones to
    create (by name), and each line's memberships (line index, token)."""

    known: dict[str, int] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)  # token → the new cluster's name
    members: list[tuple[int, str]] = field(default_factory=list)


def case_lines(cells: Cells, src: Source) -> CasePlan:
    """Every row → a case line, with the rows' own rules (dates in order, a person), checked
    column by column; the lines' case fields column by column too."""
    rows = cells.good()
    codes = cells.columns["case_code"]
    given = cells.column("full_name")
    named = [bool(name) for name in given]
    cells.columns["full_name"] = [name or code for name, code in zip(given, codes, strict=True)]
    warnings = [
        order_warnings(cells, rows, "onset_on", "confirmed_on"),
        order_warnings(cells, rows, "confirmed_on", "died_on", blame_later=True),
    ]
    check_order(cells, rows, "sample_on", "confirmed_on")
    check_order(cells, rows, "confirmed_on", "discharged_on", blame_later=True)
    outside = _outside_city(cells, rows, src.wards.city)
    people = person_rows(cells, rows, src.wards, _reference_day(cells, src.today), "", outside)
    kept = [i for i in rows if not cells.bad[i]]
    sources, clusters = cells.column("sources"), cells.column("cluster")
    plan = CasePlan(problems=src.problems, caught=cells.caught)
    plan.lines = [
        CaseLine(
            cells.lines[i],
            codes[i],
            people[i],
            sources[i] or (),
            named[i],
            warnings=[w[i] for w in warnings if i in w],
            clusters=clusters[i] or (),
        )
        for i in kept
    ]
    for name in CASE_FIELDS:
        column = cells.column(name)
        plan.fields[name] = [column[i] for i in kept]
    plan.fields["status"] = _statuses(plan.fields, src.status_default)
    return plan


def _statuses(fields: dict[str, list[Any]], default: CaseStatus | None) -> list[CaseStatus]:
    """The status the file gives, else ``died`` with a death date, ``recovered`` with a
    discharge date, else the mapping's default (``confirmed``)."""
    fallback = default or CaseStatus.confirmed
    return [
        status or (died and CaseStatus.died) or (left and CaseStatus.recovered) or fallback
        for status, died, left in zip(
            fields["status"], fields["died_on"], fields["discharged_on"], strict=True
        )
    ]


def _outside_city(cells: Cells, rows: list[int], city: str) -> frozenset[int]:
    """Rows reported by another province: their ward and district are kept as reported (in
    ``residence`` when it is empty), not looked up among the city's wards."""
    if not (city and cells.has("province")):
        return frozenset()
    provinces = cells.columns["province"]
    keys = {p: province_key(p) for p in set(provinces) if p}
    outside = frozenset(i for i in rows if provinces[i] and keys[provinces[i]] != city)
    if outside:
        places = [cells.column(n) for n in ("ward_name", "district_name", "province")]
        residence = cells.columns.setdefault("residence", cells.column("residence"))
        for i in outside:
            if residence[i] is None:
                residence[i] = ", ".join(p[i] for p in places if p[i])[:200]
    return outside


def _reference_day(cells: Cells, today: dt.date) -> Callable[[int], dt.date]:
    """The day a row's age refers to: confirmation, else onset, else sample, else today."""
    days = [cells.column(name) for name in ("confirmed_on", "onset_on", "sample_on")]

    def reference(row: int) -> dt.date:
        for column in days:
            if column[row] is not None:
                return column[row]  # type: ignore[no-any-return]
        return today

    return reference


def validate_cases(session: Session, src: Source) -> CasePlan:
    plan = case_lines(parsed_cells(src), src)
    fold_line_names(src, plan.lines, [i.person.full_name for i in plan.lines])
    _check_codes(session, plan, src)
    _match_people(session, plan, src)
    _resolve_sources(session, plan, src)
    _resolve_clusters(session, plan, src)
    return plan


def _resolve_clusters(session: Session, plan: CasePlan, src: Source) -> None:
    """Each cluster token: a registered cluster (by code, else by name in any case and
    with or without diacritics), else a new cluster of that name."""
    tokens = {t for item in plan.lines for t in item.clusters}
    if not tokens:
        return
    registered = lookups.all_clusters(session)
    by_code = {c.code.casefold(): c.id for c in registered}
    by_name: dict[str, set[int]] = {}
    for c in registered:
        by_name.setdefault(fold(c.name), set()).add(c.id)
    clusters, named = plan.clusters, dict[str, str]()
    for token in sorted(tokens):
        key = token.casefold()
        ids = {by_code[key]} if key in by_code else by_name.get(fold(token))
        if ids is None:
            clusters.new[token] = named.setdefault(fold(token), token)
        elif len(ids) == 1:
            clusters.known[token] = next(iter(ids))
    for index, item in enumerate(plan.lines):
        for token in item.clusters:
            if token in clusters.known or token in clusters.new:
                clusters.members.append((index, token))
            else:
                message = N_("'%(name)s' names several clusters: write its code")
                src.problem(item.line, "cluster", message, name=token[:60])


def _check_codes(session: Session, plan: CasePlan, src: Source) -> None:
    first: dict[str, int] = {}
    for item in plan.lines:
        if item.code in first:
            message = N_("%(code)s is also on row %(line)s")
            src.problem(item.line, "case_code", message, code=item.code, line=first[item.code])
        else:
            first[item.code] = item.line
    registered = lookups.cases_by_code(session, first)
    for item in plan.lines:
        if item.code in registered and first[item.code] == item.line:
            src.problem(
                item.line, "case_code", N_("%(code)s is already registered"), code=item.code
            )


def _match_people(session: Session, plan: CasePlan, src: Source) -> None:
    """Reuse registered people (national ID, then phone + name + birth year); a person may
    not appear twice in the file, nor get a second open case."""
    by_nid: dict[str, int] = {}
    for item in plan.lines:
        nid = item.person.national_id
        if nid is None:
            continue
        if nid in by_nid:
            message = N_("same national ID as row %(line)s")
            src.problem(item.line, "national_id", message, line=by_nid[nid])
        else:
            by_nid[nid] = item.line
    known = lookups.people_by_national_id(session, by_nid)
    for item in plan.lines:
        nid = item.person.national_id
        if nid in known:
            person = known[nid]
            if item.named and item.folded != person.name_folded:
                message = N_("registered to a person with another name")
                src.problem(item.line, "national_id", message)
            else:
                item.person_id = person.id
    _match_by_phone(session, plan, src)
    _refuse_second_case(session, plan, src)


def _match_by_phone(session: Session, plan: CasePlan, src: Source) -> None:
    candidates = [i for i in plan.lines if i.person_id is None and i.person.phone and i.named]
    seen: dict[tuple[str, str, int | None], int] = {}
    registered = lookups.people_by_phone(session, (i.person.phone or "" for i in candidates))
    shared_phones = {p for p, n in _count(i.person.phone for i in candidates).items() if n > 1}
    for item in candidates:
        phone = item.person.phone or ""
        if phone not in registered and phone not in shared_phones:
            continue
        key = (phone, item.folded, item.person.birth_year)
        if key in seen:
            message = N_("same person (phone, name, birth year) as row %(line)s")
            src.problem(item.line, "phone", message, line=seen[key])
            continue
        seen[key] = item.line
        for person in registered.get(phone, []):
            if (person.name_folded, person.birth_year) == key[1:]:
                item.person_id = person.id


def _count(values: Any) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _refuse_second_case(session: Session, plan: CasePlan, src: Source) -> None:
    reused = {i.person_id for i in plan.lines if i.person_id is not None}
    open_cases = lookups.open_cases_of(session, reused)
    for item in plan.lines:
        if item.person_id in open_cases and open_cases[item.person_id] != item.code:
            column = "national_id" if item.person.national_id else "phone"
            message = N_("this person already has case %(code)s")
            src.problem(item.line, column, message, code=open_cases[item.person_id])


def _resolve_sources(session: Session, plan: CasePlan, src: Source) -> None:
    in_file = {item.code: index for index, item in enumerate(plan.lines)}
    tokens = {t for item in plan.lines for t in item.sources if t not in in_file}
    registered = lookups.cases_by_code(session, tokens)
    clusters = lookups.clusters_by_code(session, tokens - registered.keys())
    for index, item in enumerate(plan.lines):
        for token in dict.fromkeys(item.sources):
            if token == item.code:
                message = N_("case %(code)s cannot be its own source")
                src.problem(item.line, "sources", message, code=token)
            elif token in in_file:
                plan.sources.append((index, Resolved(SourceKind.case, case_line=in_file[token])))
            elif token in registered:
                plan.sources.append(
                    (index, Resolved(SourceKind.case, case_id=registered[token][0]))
                )
            elif token in clusters:
                plan.sources.append(
                    (index, Resolved(SourceKind.cluster, cluster_id=clusters[token]))
                )
            elif token.casefold() == "unknown":
                plan.sources.append((index, Resolved(SourceKind.unknown)))
            elif COUNTRY.fullmatch(token):
                plan.sources.append((index, Resolved(SourceKind.country, country_code=token)))
            else:
                message = N_("'%(code)s' is no known case, cluster or country code")
                src.problem(item.line, "sources", message, code=token[:32])
