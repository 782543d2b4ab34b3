"""Import a line list: read, validate every row, then write everything in the caller's
transaction — or raise ``InvalidInput`` with every problem and write nothing.

The caller owns the transaction (``session_scope`` in the CLI, the request in the API), so a
failure anywhere, even in the last insert, rolls the whole file back.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cordon.cases.bulk import SourceRow, insert_case_columns, insert_sources
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.core.events import RegistryLoaded, publish
from cordon.exposures.bulk import insert_exposure_columns
from cordon.people.bulk import PersonRow, insert_people_columns
from cordon.transfer.case_list import CasePlan, validate_cases
from cordon.transfer.columns import COLUMNS, Shape
from cordon.transfer.exposure_list import ExposurePlan, validate_exposures
from cordon.transfer.mapping import DEFAULT, Mapping, load_mapping, naming
from cordon.transfer.readers import read_table
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
) -> ImportResult:
    """Import one cases line list or exposures list (CSV or XLSX) completely, or not at all."""
    rules = _mapping(mapping, shape)
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
        src = prepare(session, table, shape, rules, progress=progress, today=today)
        result = ImportResult(
            shape, name, len(table.rows), dry_run=dry_run, ignored_columns=src.ignored
        )
        if shape is Shape.cases:
            plan = validate_cases(session, src)
            _raise_problems(plan.problems, name)
            _write_cases(session, plan, result, actor=actor, progress=progress)
        else:
            exposures = validate_exposures(session, src)
            _raise_problems(exposures.problems, name)
            _write_exposures(session, exposures, result, progress=progress)
    if not dry_run:
        _announce(session, result)
    return result


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
    progress("done", result.rows, result.rows)


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
