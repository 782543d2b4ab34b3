"""Import a line list in chunks of rows: read, check and write each chunk, and at the end
keep everything — or raise ``InvalidInput`` with every problem and keep nothing.

The file is read as a stream, ``CHUNK`` rows at a time; what later rows must know of earlier
ones is kept compact (``linelists.state``), so an import's memory grows with a fraction of
its file, not with its rows as objects (docs/import.md, "Memory"). Each chunk's valid rows
are written at once inside a SAVEPOINT, where the next chunks' database look-ups find them;
a problem does not stop the reading (every problem is reported), and the SAVEPOINT is rolled
back at the end when the file has a problem or for a dry run. With ``skip_invalid`` the
valid rows stay. A source or an index person named before its row is settled once the whole
file is read; when that row was left out, the file is read once more with the rows leaning
on it left out too.

The caller owns the transaction (``session_scope`` in the CLI, the request in the API), so a
failure anywhere, even in the last insert, rolls the whole file back.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import psycopg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from cordon.audit import recorder
from cordon.core.errors import N_, Conflict, FieldProblem, InvalidInput
from cordon.core.events import publish
from cordon.events import RegistryLoaded
from cordon.linelists.case_import import CaseChunks
from cordon.linelists.case_list import CaseState
from cordon.linelists.columns import COLUMNS, Shape
from cordon.linelists.encodings import shown
from cordon.linelists.exposure_import import ExposureChunks
from cordon.linelists.mapping import DEFAULT, Mapping, load_mapping, naming
from cordon.linelists.reports import Report
from cordon.linelists.rows import Progress, no_progress
from cordon.linelists.source import Source, prepare
from cordon.linelists.tables import Line, Table, chunked, open_table

ACTOR = "import"
CHUNK = 5_000  # rows read, checked and written at once
PROBLEMS_KEPT = 10_000  # problems kept for the error raised (the report gets every one)
NAMED = 2_000  # an import writing more records announces them without their ids
AUDIT_MARK = "import: audit entries before"  # in session.info during an import
PAGE_CACHE_KIB = 16 * 1024  # SQLite's page cache while importing (core.db sets 256 MB)


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
    warnings: list[FieldProblem] = field(default_factory=list)  # facts to review (the first)
    warning_count: int = 0
    case_ranges: list[range] = field(default_factory=list, repr=False)  # ids, chunk by chunk
    exposure_ranges: list[range] = field(default_factory=list, repr=False)

    @property
    def case_ids(self) -> list[int]:
        return [i for ids in self.case_ranges for i in ids]

    @property
    def exposure_ids(self) -> list[int]:
        return [i for ids in self.exposure_ranges for i in ids]


class Chunks(Protocol):
    """One pass's work on the chunks of one shape of list."""

    def take(self, src: Source, forced: dict[int, list[FieldProblem]]) -> list[FieldProblem]: ...

    def settle(self) -> dict[int, set[int]]: ...

    def late_problems(self, src: Source, unsettled: dict[int, set[int]]) -> list[FieldProblem]: ...

    def fill(self, result: ImportResult) -> None: ...


@dataclass
class Options:
    name: str
    rules: Mapping
    dry_run: bool
    actor: str
    progress: Progress
    today: dt.date | None
    skip_invalid: bool


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
    options = Options(name, rules, dry_run, actor, progress, today, skip_invalid)
    data = _rereadable(data)
    forced: dict[int, list[FieldProblem]] = {}
    with _cycle_collection_paused(), _page_cache(session, PAGE_CACHE_KIB):
        while True:
            savepoint = _savepoint(session)
            try:
                result = _Pass(session, shape, options, report, forced).run(data)
            except BaseException:
                _roll_back(session, savepoint)
                raise
            if result is None:  # rows left out that earlier rows lean on: once more
                _roll_back(session, savepoint)
                continue
            if dry_run:
                _roll_back(session, savepoint)
            else:
                savepoint.commit()
            break
        progress("done", result.rows, result.rows)
    if not dry_run:
        _announce(session, result)
    return result


class _Pass:
    """One reading of the file: every chunk checked, and its valid rows written."""

    def __init__(
        self,
        session: Session,
        shape: Shape,
        options: Options,
        report: Report,
        forced: dict[int, list[FieldProblem]],
    ) -> None:
        self.session, self.shape, self.options = session, shape, options
        self.report, self.forced = report, forced
        self.kept: list[FieldProblem] = []
        self.count = 0
        self.lines: array[int] = array("q")
        report.clear()

    def run(self, data: bytes | IO[bytes] | Path) -> ImportResult | None:
        """The result; None when the file must be read again (``self.forced`` grew)."""
        o = self.options
        with self._open(data) as table:
            src = prepare(self.session, table, self.shape, o.rules, today=o.today)
            result = ImportResult(self.shape, o.name, 0, dry_run=o.dry_run)
            result.ignored_columns = src.ignored
            result.encoding, result.header_line = shown(table.encoding), table.header_line
            chunks = self._chunks()
            with _integrity(o.name):
                self._each_chunk(table, src, chunks, result)
                unsettled = chunks.settle()
        if unsettled and self._late(data, chunks, unsettled):
            return None
        if self.count and not o.skip_invalid:
            self._refuse()
        chunks.fill(result)
        result.rejected_rows = self.report.rejected_count
        return result

    def _chunks(self) -> Chunks:
        o = self.options
        if self.shape is Shape.cases:
            state = CaseState(skip_invalid=o.skip_invalid)
            return CaseChunks(self.session, state, actor=o.actor, file=o.name, progress=o.progress)
        return ExposureChunks(self.session, o.skip_invalid, progress=o.progress)

    def _each_chunk(self, table: Table, src: Source, chunks: Chunks, result: ImportResult) -> None:
        progress = self.options.progress
        rows = chunked(table.rows, CHUNK)
        while True:
            progress("reading", result.rows, None)
            chunk = next(rows, None)
            if chunk is None:
                return
            progress("validating", result.rows, None)
            problems = chunks.take(src.chunk(chunk), self.forced)
            self._record(problems, Table(table.name, table.header, chunk))
            result.rows += len(chunk)
            recorder.merge_bulk(self.session, self.session.info.get(AUDIT_MARK, 0))
            if problems or result.rows % (CHUNK * 8) == 0:
                gc.collect(1)  # the chunk's cycles (a problem's exception and its frames)
            del chunk, problems

    def _record(self, problems: list[FieldProblem], rows: Table) -> None:
        """The problems of the rows read: to the report (and the rows, when they are left
        out), the first ones kept for the error."""
        if not problems:
            return
        self.report.add_problems(problems, rows)
        if self.options.skip_invalid:
            self.report.reject(problems, rows)
        self.count += len(problems)
        self.kept += problems[: max(0, PROBLEMS_KEPT - len(self.kept))]
        self.lines.extend(p.row or 0 for p in problems)

    def _late(
        self, data: bytes | IO[bytes] | Path, chunks: Chunks, unsettled: dict[int, set[int]]
    ) -> bool:
        """The problems found once the whole file was read (read again for their rows):
        with ``skip_invalid`` forced on their rows in another pass (True), else recorded."""
        o = self.options
        with self._open(data) as table:
            src = prepare(self.session, table, self.shape, o.rules, today=o.today)
            rows: list[Line] = [row for row in table.rows if row[0] in unsettled]
            problems = chunks.late_problems(src.chunk(rows), unsettled)
        if o.skip_invalid:  # rows already refused from the start are left as they are
            new = [p for p in problems if (p.row or 0) not in self.forced]
            for p in new:
                self.forced.setdefault(p.row or 0, []).append(p)
            return bool(new)
        self._record(problems, Table(table.name, table.header, rows))
        return False

    @contextmanager
    def _open(self, data: bytes | IO[bytes] | Path) -> Iterator[Table]:
        o = self.options
        with open_table(
            data,
            o.name,
            encoding=o.rules.file.encoding,
            header_row=o.rules.file.header_row,
            naming=naming(COLUMNS[self.shape], o.rules),
        ) as table:
            yield table

    def _refuse(self) -> None:
        problems = sorted(self.kept, key=lambda p: p.row or 0)
        rows = len(np.unique(np.frombuffer(self.lines, dtype=np.int64)))
        error = InvalidInput.of(
            N_("%(name)s: %(count)s problems in %(rows)s rows; nothing was imported."),
            problems,
            name=self.options.name,
            count=self.count,
            rows=rows,
        )
        error.total = self.count
        raise error


def _roll_back(session: Session, savepoint: SessionTransaction) -> None:
    """Back to the SAVEPOINT, and the audit entries of what it undid forgotten."""
    savepoint.rollback()
    recorder.forget_since(session, session.info.pop(AUDIT_MARK, 0))


def _savepoint(session: Session) -> SessionTransaction:
    """A SAVEPOINT inside the caller's transaction. SQLite's Python driver opens a
    transaction only at the first write: a SAVEPOINT before it would be the outermost
    transaction, and its release a commit. A BEGIN is sent first when none is open."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    session.info[AUDIT_MARK] = len(session.info.get("audit", []))
    return session.begin_nested()


@contextmanager
def _page_cache(session: Session, kib: int) -> Iterator[None]:
    """SQLite's page cache of the connection at most ``kib`` KiB meanwhile, then as it
    was. The import's transaction writes several times its file's size in pages; in a
    large cache (core.db: 256 MB) they would all stay in memory until the commit. In a
    small one SQLite writes them to its log as it goes (the same work, done earlier)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    was = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    mapped = connection.exec_driver_sql("PRAGMA mmap_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(was)}")
        connection.exec_driver_sql(f"PRAGMA mmap_size={int(mapped)}")


def _rereadable(data: bytes | IO[bytes] | Path) -> bytes | IO[bytes] | Path:
    """``data`` as something that can be read twice (a stream that cannot seek, read)."""
    if isinstance(data, bytes | Path) or data.seekable():
        return data
    return io.BytesIO(data.read())


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Reading, validating and writing build many small objects that form no cycles:
    Python's cycle collector would walk them again and again. It is paused meanwhile
    (the import collects what each chunk left itself) and restored after, even on failure."""
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
    """What was written, for the reactions: by id when few, else by count (the tier engine
    then takes the whole city in one pass, as it would for a list that long)."""
    named = result.cases + result.exposures <= NAMED
    publish(
        session,
        RegistryLoaded(
            cause=f"import of {result.file}",
            case_ids=tuple(result.case_ids) if named else (),
            exposure_ids=tuple(result.exposure_ids) if named else (),
            case_count=result.cases,
        ),
    )
