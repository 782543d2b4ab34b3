"""Import a line list: read, validate every row, then write everything in the caller's
transaction — or raise ``InvalidInput`` with every problem and write nothing.

The caller owns the transaction (``session_scope`` in the CLI, the request in the API), so a
failure anywhere, even in the last insert, rolls the whole file back.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import psycopg
from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.cases.bulk import SourceRow, insert_case_columns, insert_sources
from cordon.cases.models import Case
from cordon.clusters.service import add_members, create_cluster
from cordon.core.bulk import table_of
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.core.events import publish
from cordon.core.text import fold
from cordon.events import RegistryLoaded
from cordon.exposures.bulk import insert_exposure_columns
from cordon.people.bulk import PersonRow, insert_people_columns
from cordon.transfer import lookups
from cordon.transfer.case_list import CasePlan, validate_cases
from cordon.transfer.columns import COLUMNS, Shape
from cordon.transfer.encodings import shown
from cordon.transfer.exposure_list import ExposurePlan, validate_exposures
from cordon.transfer.mapping import DEFAULT, Mapping, load_mapping, naming
from cordon.transfer.readers import Table, read_table
from cordon.transfer.reports import Report
from cordon.transfer.rows import Progress, no_progress
from cordon.transfer.source import prepare

ACTOR = "import"


@dataclass
class ImportResult:
    kind: Shape
    file: str
    rows: int
    people_created: int = 0
    people_reused: int = 0
    cases: int = 0
    sources: int = 0
    exposures: int = 0
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    header_line: int = 1
    clusters_created: int = 0
    cluster_members: int = 0
    rejected_rows: int = 0  # with skip_invalid: rows left out (the report holds them)
    catch_all: dict[str, int] = field(default_factory=dict)  # column → cells it took
    warnings: list[FieldProblem] = field(default_factory=list)  # facts to review
    case_ids: list[int] = field(default_factory=list, repr=False)
    exposure_ids: list[int] = field(default_factory=list, repr=False)


def import_file(
    session: Session,
    shape: Shape,
    data: bytes | IO[bytes] | Path,
    *,
    name: str,
    mapping: bytes | Path | Mapping | None = None,
    dry_run: bool = False,
    actor: str = ACTOR,
    progress: Progress = no_progress,
    today: dt.date | None = None,
    skip_invalid: bool = False,
    report: Report | None = None,
) -> ImportResult:
    """Import one cases line list or exposures list (CSV or XLSX) completely, or not at all;
    with ``skip_invalid``, its valid rows (the others go to ``report``). ``report`` also
    gets every problem with its cell's value."""
    rules = _mapping(mapping, shape)
    report = report if report is not None else Report()
    with _cycle_collection_paused():
        progress("reading", 0, None)
        table = read_table(
            data,
            name,
            encoding=rules.file.encoding,
            header_row=rules.file.header_row,
            naming=naming(COLUMNS[shape], rules),
        )
        progress("reading", len(table.rows), len(table.rows))
        rows = len(table.rows)
        plan = _validate(session, table, shape, rules, progress, today, skip_invalid, report)
        result = ImportResult(shape, name, rows, dry_run=dry_run, ignored_columns=plan.ignored)
        result.encoding, result.header_line = shown(table.encoding), table.header_line
        result.rejected_rows = len(report.rejected)
        if isinstance(plan, CasePlan):
            _write_cases(session, plan, result, actor=actor, progress=progress)
        else:
            _write_exposures(session, plan, result, progress=progress)
    if not dry_run:
        _announce(session, result)
    return result


def _validate(
    session: Session,
    table: Table,
    shape: Shape,
    rules: Mapping,
    progress: Progress,
    today: dt.date | None,
    skip_invalid: bool,
    report: Report,
) -> CasePlan | ExposurePlan:
    """The file's plan, or ``InvalidInput`` with every problem (all in ``report`` too). With
    ``skip_invalid`` the rows with a problem are left out and the rest checked again (a row
    may lean on one left out), until what is left is valid."""
    rejected: list[FieldProblem] = []
    original = table
    while True:
        src = prepare(session, table, shape, rules, progress=progress, today=today)
        plan: CasePlan | ExposurePlan
        if shape is Shape.cases:
            plan = validate_cases(session, src)
        else:
            plan = validate_exposures(session, src)
        plan.ignored = src.ignored
        if not plan.problems:
            break
        report.add_problems(plan.problems, table)
        lines = {p.row for p in plan.problems}
        if not skip_invalid or None in lines or table.header_line in lines:
            _raise_problems(plan.problems, table.name)
        rejected += plan.problems
        table = replace(table, rows=[r for r in table.rows if r[0] not in lines])
    if rejected:
        report.reject(rejected, original)
    return plan


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Reading, validating and writing build millions of small objects that live until the
    end and form no cycles: Python's cycle collector would walk them again and again (half
    the import's time). It is paused meanwhile and restored after, even on failure."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _mapping(mapping: bytes | Path | Mapping | None, shape: Shape) -> Mapping:
    if mapping is None:
        return DEFAULT
    if isinstance(mapping, Mapping):
        return mapping
    name = mapping.name if isinstance(mapping, Path) else "mapping"
    return load_mapping(mapping, shape, name)


def _raise_problems(problems: list[FieldProblem], name: str) -> None:
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        rows = {p.row for p in problems}
        raise InvalidInput.of(
            N_("%(name)s: %(count)s problems in %(rows)s rows; nothing was imported."),
            problems,
            name=name,
            count=len(problems),
            rows=len(rows),
        )


def _write_cases(
    session: Session, plan: CasePlan, result: ImportResult, *, actor: str, progress: Progress
) -> None:
    new = [item for item in plan.lines if item.person_id is None]
    result.people_created = len(new)
    result.people_reused = len(plan.lines) - len(new)
    result.cases = len(plan.lines)
    result.sources = len(plan.sources)
    result.warnings = plan.warnings
    result.catch_all = plan.caught
    result.clusters_created = len(set(plan.clusters.new.values()))
    result.cluster_members = len(plan.clusters.members)
    if result.dry_run:
        return
    with _integrity(result.file):
        progress("writing people", 0, None)
        new_ids = insert_people_columns(
            session, _person_columns([i.person for i in new]), [i.folded for i in new]
        )
        for item, pid in zip(new, new_ids, strict=True):
            item.person_id = pid
        progress("writing cases", 0, None)
        columns: dict[str, list[Any]] = {
            "code": [i.code for i in plan.lines],
            "person_id": [i.person_id for i in plan.lines],
        }
        columns.update(plan.fields)
        case_ids = insert_case_columns(
            session,
            columns,
            changed_by=actor,
            reason=f"import of {result.file}",
            wards={i.person_id: i.person.ward_id for i in new if i.person_id is not None},
        )
        result.case_ids = list(case_ids)
        insert_sources(session, _source_rows(plan, result.case_ids))
        _keep_warnings(session, plan, result.case_ids)
        _join_clusters(session, plan, result)
    progress("done", result.rows, result.rows)


def _keep_warnings(session: Session, plan: CasePlan, case_ids: list[int]) -> None:
    """The facts to review, stored with their cases (few: one statement for all)."""
    flagged = [
        {"case": case_ids[i], "warnings": [w.to_record() for w in item.warnings]}
        for i, item in enumerate(plan.lines)
        if item.warnings
    ]
    if flagged:
        table = table_of(Case)  # a Core statement: one executemany, not the ORM's bulk path
        statement = update(table).where(table.c.id == bindparam("case"))
        session.execute(statement.values(warnings=bindparam("warnings")), flagged)


def _join_clusters(session: Session, plan: CasePlan, result: ImportResult) -> None:
    """New clusters made by the clusters service (a code from the name); then every
    membership at once."""
    clusters = plan.clusters
    made: dict[str, int] = {}
    taken = {c.code for c in lookups.all_clusters(session)}
    for name in dict.fromkeys(clusters.new.values()):
        code = cluster_code(name, taken)
        taken.add(code)
        made[name] = create_cluster(session, code=code, name=name[:200]).id
    ids = {**clusters.known, **{t: made[n] for t, n in clusters.new.items()}}
    result.cluster_members = add_members(
        session, ((ids[token], result.case_ids[i]) for i, token in clusters.members)
    )


def cluster_code(name: str, taken: set[str]) -> str:
    """A cluster's code made from its name: ``Bach Mai hospital`` → ``BACH-MAI-HOSPITAL``."""
    base = "-".join(re.sub(r"[^0-9a-z ]", " ", fold(name)).upper().split())[:32] or "CLUSTER"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _person_columns(people: list[PersonRow]) -> dict[str, tuple[Any, ...]]:
    """The people's fields column by column (none at all when there are no people)."""
    return dict(zip(PersonRow._fields, zip(*people, strict=True), strict=False))


def _source_rows(plan: CasePlan, case_ids: list[int]) -> list[SourceRow]:
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


def _write_exposures(
    session: Session, plan: ExposurePlan, result: ImportResult, *, progress: Progress
) -> None:
    result.people_created = len(plan.new_people)
    result.people_reused = plan.reused_people
    result.exposures = len(plan.lines)
    if result.dry_run:
        return
    with _integrity(result.file):
        progress("writing people", 0, None)
        new_ids = insert_people_columns(session, _person_columns(plan.new_people), plan.new_folded)

        def person(ref: int) -> int:
            return ref if ref >= 0 else new_ids[-ref - 1]

        progress("writing exposures", 0, None)
        columns: dict[str, list[Any]] = {
            "person_id": [person(i.index_ref) for i in plan.lines],
            "contact_id": [person(i.contact_ref) for i in plan.lines],
        }
        columns.update(plan.fields)
        result.exposure_ids = list(insert_exposure_columns(session, columns))
    progress("done", result.rows, result.rows)


@contextmanager
def _integrity(name: str) -> Iterator[None]:
    """A clash with a record written meanwhile (same code or national ID) → ``Conflict``."""
    try:
        yield
    except (IntegrityError, psycopg.IntegrityError):
        raise Conflict.of(
            N_(
                "%(name)s: a record was registered meanwhile with the same case code or "
                "national ID; nothing was imported. Try again."
            ),
            name=name,
        ) from None


def _announce(session: Session, result: ImportResult) -> None:
    publish(
        session,
        RegistryLoaded(
            cause=f"import of {result.file}",
            case_ids=tuple(result.case_ids),
            exposure_ids=tuple(result.exposure_ids),
        ),
    )
