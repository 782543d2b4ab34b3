"""A cases list, chunk by chunk: each chunk checked (``case_list``), its rows with a problem
left out with the rows of the chunk that name them as a source, the others written; what
the later chunks must know kept in ``CaseState``; sources naming a code not met yet settled
once the whole file is read."""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cordon.cases.bulk import SourceRow, insert_case_columns, insert_sources, keep_warnings
from cordon.cases.enums import SourceKind
from cordon.clusters.service import add_members, create_cluster
from cordon.core.errors import FieldProblem
from cordon.core.text import fold
from cordon.linelists import lookups
from cordon.linelists.case_list import (
    NO_SOURCE,
    CaseLine,
    CasePlan,
    CaseState,
    ClusterPlan,
    Resolved,
    validate_cases,
)
from cordon.linelists.rows import Progress, no_progress
from cordon.linelists.source import Source
from cordon.people.bulk import PersonRow, insert_people_columns


@dataclass
class Counts:
    """What the chunks wrote, added up."""

    people_created: int = 0
    people_reused: int = 0
    cases: int = 0
    sources: int = 0
    clusters_created: int = 0
    cluster_members: int = 0
    case_ids: list[range] = field(default_factory=list)


@dataclass
class Later:
    """Sources naming a code not met when their row was read: (line, code's hash, the
    row's case id or 0 when it was not written), in compact arrays."""

    lines: array[int] = field(default_factory=lambda: array("q"))
    codes: array[int] = field(default_factory=lambda: array("q"))
    case_ids: array[int] = field(default_factory=lambda: array("q"))


class CaseChunks:
    """The chunks of one pass over a cases list."""

    def __init__(
        self,
        session: Session,
        state: CaseState,
        *,
        actor: str,
        file: str,
        progress: Progress = no_progress,
    ) -> None:
        self.session, self.state, self.actor, self.file = session, state, actor, file
        self.progress = progress
        self.counts = Counts()
        self.later = Later()
        self.warnings: list[FieldProblem] = []
        self.warning_count = 0
        self.caught: dict[str, int] = {}

    def take(self, src: Source, forced: dict[int, list[FieldProblem]]) -> list[FieldProblem]:
        """Check and write one chunk; its problems (``forced`` ones of its rows included)."""
        plan = validate_cases(self.session, src, self.state)
        for item in plan.lines:
            src.problems += forced.get(item.line, [])
        for column, count in plan.caught.items():
            self.caught[column] = self.caught.get(column, 0) + count
        kept = _written(plan, src, self.state.skip_invalid)
        self.progress("writing people", self.counts.cases, None)
        ids = self._write(_only(plan, kept))
        self._remember(plan, dict(zip(kept, ids, strict=True)))
        return src.problems

    def _write(self, plan: CasePlan) -> range:
        """People, cases, sources, warnings and cluster memberships of ``plan``'s lines."""
        new = [item for item in plan.lines if item.person_id is None]
        people = insert_people_columns(
            self.session, _person_columns([i.person for i in new]), [i.folded for i in new]
        )
        self.state.people.add(people)
        for item, pid in zip(new, people, strict=True):
            item.person_id = pid
        self.progress("writing cases", self.counts.cases, None)
        columns: dict[str, list[Any]] = {
            "code": [i.code for i in plan.lines],
            "person_id": [i.person_id for i in plan.lines],
            **plan.fields,
        }
        case_ids = insert_case_columns(
            self.session,
            columns,
            changed_by=self.actor,
            reason=f"import of {self.file}",
            wards={i.person_id: i.person.ward_id for i in new if i.person_id is not None},
        )
        self.state.cases.add(case_ids)
        self.counts.sources += insert_sources(self.session, _source_rows(plan, case_ids))
        self._keep_warnings(plan, case_ids)
        self._join_clusters(plan.clusters, case_ids)
        counts = self.counts
        counts.people_created += len(new)
        counts.people_reused += len(plan.lines) - len(new)
        counts.cases += len(plan.lines)
        counts.case_ids.append(case_ids)
        return case_ids

    def _keep_warnings(self, plan: CasePlan, case_ids: range) -> None:
        """The facts to review, stored with their cases (one statement for the chunk)."""
        flagged = {
            case_ids[i]: [w.to_record() for w in item.warnings]
            for i, item in enumerate(plan.lines)
            if item.warnings
        }
        found = plan.warnings
        self.warning_count += len(found)
        self.warnings += found[: max(0, WARNINGS_KEPT - len(self.warnings))]
        keep_warnings(self.session, warnings=flagged)

    def _join_clusters(self, clusters: ClusterPlan, case_ids: range) -> None:
        """New clusters made by the clusters service (a code from the name) — once for the
        file, whichever chunk names them first; then the chunk's memberships at once."""
        made = self.state.new_clusters
        names = [n for n in dict.fromkeys(clusters.new.values()) if fold(n) not in made]
        if names:
            taken = {c.code for c in lookups.all_clusters(self.session)}
            for name in names:
                code = cluster_code(name, taken)
                taken.add(code)
                made[fold(name)] = create_cluster(self.session, code=code, name=name[:200]).id
            self.counts.clusters_created += len(names)
        ids = {**clusters.known, **{t: made[fold(n)] for t, n in clusters.new.items()}}
        self.counts.cluster_members += add_members(
            self.session, ((ids[token], case_ids[i]) for i, token in clusters.members)
        )

    def _remember(self, plan: CasePlan, case_of: dict[int, int]) -> None:
        """What later chunks must know of this one."""
        state = self.state
        codes = plan.first_codes
        firsts = [plan.lines[i] for i in codes.values()]
        state.codes.add(
            list(codes),
            [item.line for item in firsts],
            [case_of.get(i, 0) for i in codes.values()],
        )
        state.national_ids.add(list(plan.first_ids), plan.first_ids.values())
        state.people_keys.add(list(plan.first_people), plan.first_people.values())
        later = self.later
        for index, token in plan.later:
            case_id = case_of.get(index, 0)
            if case_id or not state.skip_invalid:  # a row left out needs no more telling
                later.lines.append(plan.lines[index].line)
                later.codes.append(hash(token))
                later.case_ids.append(case_id)

    def settle(self) -> dict[int, set[int]]:
        """The sources naming a later row, written; the others by line: the hashes of the
        codes that name no row of the file (or, with ``skip_invalid``, a row left out)."""
        later = self.later
        found, values = self.state.codes.find_hashed(np.frombuffer(later.codes, dtype=np.int64))
        rows: list[SourceRow] = []
        unsettled: dict[int, set[int]] = {}
        for k, (met, (_line, source_id)) in enumerate(zip(found, values.tolist(), strict=True)):
            if met and source_id and later.case_ids[k]:
                rows.append(SourceRow(later.case_ids[k], SourceKind.case, source_id))
            elif not met or self.state.skip_invalid:
                unsettled.setdefault(later.lines[k], set()).add(later.codes[k])
        self.counts.sources += insert_sources(self.session, rows)
        return unsettled

    def late_problems(self, src: Source, unsettled: dict[int, set[int]]) -> list[FieldProblem]:
        return late_problems(src, unsettled)

    def fill(self, result: Any) -> None:
        """The counts of the import (an ``ImportResult``)."""
        c = self.counts
        result.people_created, result.people_reused = c.people_created, c.people_reused
        result.cases, result.sources = c.cases, c.sources
        result.clusters_created, result.cluster_members = c.clusters_created, c.cluster_members
        result.case_ranges = c.case_ids
        result.warnings, result.warning_count = self.warnings, self.warning_count
        result.catch_all = self.caught


WARNINGS_KEPT = 1000


def late_problems(src: Source, unsettled: dict[int, set[int]]) -> list[FieldProblem]:
    """The problems of ``src``'s rows (read again) whose sources name no row of the file."""
    reader = next(r for r in src.readers if r.name == "sources")
    problems: list[FieldProblem] = []
    rows = src.table.rows
    for line, cells in rows:
        if line in unsettled:
            raw = cells[reader.position] if reader.position < len(cells) else ""
            given = raw.strip() or reader.default
            for token in dict.fromkeys(reader.parse(given) if given else ()):
                if hash(token) in unsettled[line]:
                    problems.append(
                        FieldProblem.of(reader.header, NO_SOURCE, row=line, code=token[:32])
                    )
    return problems


def _written(plan: CasePlan, src: Source, skip_invalid: bool) -> list[int]:
    """The indexes of the lines to write: without a problem, and not naming a line of the
    chunk left out (then, with ``skip_invalid``, left out with the problem of a source no
    longer known; otherwise the import fails anyway)."""
    bad = {p.row for p in src.problems}
    keep = bytearray(0 if item.line in bad else 1 for item in plan.lines)
    while True:
        dropped = [
            (i, s.case_line)
            for i, s in plan.sources
            if s.case_line is not None and _leans_on_dropped(keep, i, s)
        ]
        if not dropped:
            break
        for index, target in dropped:
            keep[index] = 0
            if skip_invalid:
                code = plan.lines[target].code[:32]
                src.problem(plan.lines[index].line, "sources", NO_SOURCE, code=code)
    return [i for i, k in enumerate(keep) if k]


def _leans_on_dropped(keep: bytearray, index: int, source: Resolved) -> bool:
    return bool(keep[index]) and source.case_line is not None and not keep[source.case_line]


def _only(plan: CasePlan, kept: list[int]) -> CasePlan:
    """``plan`` with only the lines ``kept`` (their sources and memberships renumbered)."""
    at = {old: new for new, old in enumerate(kept)}
    lines: list[CaseLine] = [plan.lines[i] for i in kept]
    fields = {name: [column[i] for i in kept] for name, column in plan.fields.items()}
    sources = [
        (at[i], replace(s, case_line=at[s.case_line]) if s.case_line is not None else s)
        for i, s in plan.sources
        if i in at
    ]
    members = [(at[i], token) for i, token in plan.clusters.members if i in at]
    used = {token for _, token in members}
    clusters = ClusterPlan(
        known=plan.clusters.known,
        new={t: n for t, n in plan.clusters.new.items() if t in used},
        members=members,
    )
    return CasePlan(lines=lines, fields=fields, sources=sources, clusters=clusters)


def _source_rows(plan: CasePlan, case_ids: range) -> list[SourceRow]:
    rows = []
    for index, s in plan.sources:
        source_case = case_ids[s.case_line] if s.case_line is not None else s.case_id
        rows.append(
            SourceRow(
                case_id=case_ids[index],
                kind=s.kind,
                source_case_id=source_case,
                country_code=s.country_code,
                cluster_id=s.cluster_id,
            )
        )
    return rows


def _person_columns(people: list[PersonRow]) -> dict[str, tuple[Any, ...]]:
    """The people's fields column by column (none at all when there are no people)."""
    return dict(zip(PersonRow._fields, zip(*people, strict=True), strict=False))


def cluster_code(name: str, taken: set[str]) -> str:
    """A cluster's code made from its name: ``Bach Mai hospital`` → ``BACH-MAI-HOSPITAL``."""
    base = "-".join(re.sub(r"[^0-9a-z ]", " ", fold(name)).upper().split())[:32] or "CLUSTER"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code
