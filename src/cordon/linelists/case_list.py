"""Validate a cases line list, one chunk of rows at a time: each row a case and its person,
checked against the rows before it (``CaseState``: compact, across chunks) and the database
as it was before the import, ready for the bulk inserts. Problems from every row are
collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.cases.columns import DETAILS
from cordon.cases.enums import CaseStatus, SourceKind
from cordon.core.errors import N_, FieldProblem
from cordon.core.text import fold
from cordon.linelists import lookups
from cordon.linelists.cells import COUNTRY
from cordon.linelists.lookups import province_key
from cordon.linelists.rows import Cells, check_order, order_warnings, person_rows
from cordon.linelists.source import Source, fold_line_names, parsed_cells
from cordon.linelists.state import Ids, Seen
from cordon.people.bulk import PersonRow

# The case's fields that its line read gives (its code and person aside).
CASE_FIELDS = ("status", *DETAILS)


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
    first_codes: dict[str, int] = field(default_factory=dict)  # code → index of its first line
    first_ids: dict[str, int] = field(default_factory=dict)  # national ID → first line
    first_people: dict[tuple[str, str, int | None], int] = field(default_factory=dict)
    later: list[tuple[int, str]] = field(default_factory=list)  # (index, code not met yet)

    @property
    def warnings(self) -> list[FieldProblem]:
        return [w for item in self.lines for w in item.warnings]


@dataclass
class CaseState:
    """What the chunks of one cases list know of the chunks before them."""

    skip_invalid: bool = False
    codes: Seen = field(default_factory=lambda: Seen(2))  # code → (first line, case id or 0)
    national_ids: Seen = field(default_factory=Seen)  # national ID → first line
    people_keys: Seen = field(default_factory=Seen)  # (phone, folded name, year) → line
    people: Ids = field(default_factory=Ids)  # people written by the import
    cases: Ids = field(default_factory=Ids)  # cases written by the import
    clusters: list[lookups.KnownCluster] | None = None  # registered before the import
    new_clusters: dict[str, int] = field(default_factory=dict)  # folded name → cluster made


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


def validate_cases(session: Session, src: Source, state: CaseState) -> CasePlan:
    """The plan of one chunk of rows (``src.table.rows``)."""
    plan = case_lines(parsed_cells(src), src)
    fold_line_names(src, plan.lines, [i.person.full_name for i in plan.lines])
    _check_codes(session, plan, src, state)
    _match_people(session, plan, src, state)
    _resolve_sources(session, plan, src, state)
    _resolve_clusters(session, plan, src, state)
    return plan


def _resolve_clusters(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    """Each cluster token: a registered cluster (by code, else by name in any case and
    with or without diacritics), else a new cluster of that name."""
    tokens = {t for item in plan.lines for t in item.clusters}
    if not tokens:
        return
    if state.clusters is None:
        state.clusters = lookups.all_clusters(session)
    registered = state.clusters
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


def _check_codes(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    earlier = state.codes.lookup([item.code for item in plan.lines])
    first: dict[str, int] = {}
    for index, (item, before) in enumerate(zip(plan.lines, earlier, strict=True)):
        line = before[0] if before else first.get(item.code)
        if line is not None:
            message = N_("%(code)s is also on row %(line)s")
            src.problem(item.line, "case_code", message, code=item.code, line=line)
        else:
            first[item.code] = item.line
            plan.first_codes[item.code] = index
    registered = lookups.cases_by_code(session, first)  # the file's earlier codes are not
    for item in plan.lines:  # asked: every code found was registered before the import
        if item.code in registered and first.get(item.code) == item.line:
            src.problem(
                item.line, "case_code", N_("%(code)s is already registered"), code=item.code
            )


def _match_people(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    """Reuse people registered before the import (national ID, then phone + name + birth
    year); a person may not appear twice in the file, nor get a second open case."""
    given = [item for item in plan.lines if item.person.national_id is not None]
    earlier = state.national_ids.lookup([item.person.national_id for item in given])
    by_nid = plan.first_ids
    for item, before in zip(given, earlier, strict=True):
        number = item.person.national_id or ""
        line = before[0] if before else by_nid.get(number)
        if line is not None:
            message = N_("same national ID as row %(line)s")
            src.problem(item.line, "national_id", message, line=line)
        else:
            by_nid[number] = item.line
    found = lookups.people_by_national_id(session, (i.person.national_id or "" for i in given))
    known = {nid: p for nid, p in found.items() if p.id not in state.people}
    for item in plan.lines:
        nid = item.person.national_id
        if nid in known:
            person = known[nid]
            if item.named and item.folded != person.name_folded:
                message = N_("registered to a person with another name")
                src.problem(item.line, "national_id", message)
            else:
                item.person_id = person.id
    _match_by_phone(session, plan, src, state)
    _refuse_second_case(session, plan, src, state)


def _match_by_phone(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    """Two rows with one phone, name and birth year are one person: refused (a key met a
    second time always has a phone met twice — the only rows today's rule looked at)."""
    candidates = [i for i in plan.lines if i.person_id is None and i.person.phone and i.named]
    keys = [(i.person.phone or "", i.folded, i.person.birth_year) for i in candidates]
    earlier = state.people_keys.lookup(keys)
    seen = plan.first_people
    found = lookups.people_by_phone(session, (i.person.phone or "" for i in candidates))
    for item, key, before in zip(candidates, keys, earlier, strict=True):
        line = before[0] if before else seen.get(key)
        if line is not None:
            message = N_("same person (phone, name, birth year) as row %(line)s")
            src.problem(item.line, "phone", message, line=line)
            continue
        seen[key] = item.line
        for person in found.get(key[0], []):
            if (person.name_folded, person.birth_year) == key[1:] and person.id not in state.people:
                item.person_id = person.id


def _refuse_second_case(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    reused = {i.person_id for i in plan.lines if i.person_id is not None}
    open_cases = lookups.open_cases_of(session, reused, skip=state.cases)
    for item in plan.lines:
        if item.person_id in open_cases and open_cases[item.person_id] != item.code:
            column = "national_id" if item.person.national_id else "phone"
            message = N_("this person already has case %(code)s")
            src.problem(item.line, column, message, code=open_cases[item.person_id])


NO_SOURCE = N_("'%(code)s' is no known case, cluster or country code")


def _resolve_sources(session: Session, plan: CasePlan, src: Source, state: CaseState) -> None:
    """Each source token: a case of this chunk, of an earlier chunk (written: its id), a
    registered case, cluster or country, ``unknown`` — or a code not met yet, kept in
    ``plan.later`` (a later row's, else unknown: told once the whole file is read)."""
    in_file = {item.code: index for index, item in enumerate(plan.lines)}
    tokens = {t for item in plan.lines for t in item.sources if t not in in_file}
    listed = sorted(tokens)
    earlier = {t: v for t, v in zip(listed, state.codes.lookup(listed), strict=True) if v}
    registered = lookups.cases_by_code(session, tokens - earlier.keys())
    clusters = lookups.clusters_by_code(session, tokens - registered.keys() - earlier.keys())
    for index, item in enumerate(plan.lines):
        for token in dict.fromkeys(item.sources):
            if token == item.code:
                message = N_("case %(code)s cannot be its own source")
                src.problem(item.line, "sources", message, code=token)
            elif token in in_file:
                plan.sources.append((index, Resolved(SourceKind.case, case_line=in_file[token])))
            elif token in earlier:
                _earlier_source(plan, src, state, index, token, earlier[token][1])
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
                plan.later.append((index, token))


def _earlier_source(
    plan: CasePlan, src: Source, state: CaseState, index: int, token: str, case_id: int
) -> None:
    """A case of an earlier chunk: written (its id), or left out — then, with
    ``skip_invalid``, this row is left out too (the file's whole import fails otherwise)."""
    if case_id:
        plan.sources.append((index, Resolved(SourceKind.case, case_id=case_id)))
    elif state.skip_invalid:
        src.problem(plan.lines[index].line, "sources", NO_SOURCE, code=token[:32])
