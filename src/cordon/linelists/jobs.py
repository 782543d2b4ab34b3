"""Imports started from the web app: the file is kept in a temporary file, the import runs
in a thread with a session of its own, and the page follows its progress.

Live progress (stage, rows done) is held by the server process that runs the import; the
outcome — counts, or every problem by row and column (the first 1,000 kept) — is written
to ``import_jobs`` when it ends, in a transaction of its own after the import's (with
SQLite the import holds the only write lock until it commits). The import itself is the
same all-or-nothing ``service.import_file`` as the API's and the CLI's.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.audit import recorder
from cordon.core.db import new_session
from cordon.core.errors import N_, InvalidInput
from cordon.core.models import utcnow
from cordon.linelists import service
from cordon.linelists.columns import Shape
from cordon.linelists.models import ImportJob
from cordon.linelists.reports import Report

log = logging.getLogger(__name__)
KEPT_PROBLEMS = 1000


@dataclass
class Live:
    stage: str = "queued"
    done: int = 0
    total: int | None = None


_live: dict[int, Live] = {}
_lock = threading.Lock()


def live(job_id: int) -> Live | None:
    with _lock:
        return _live.get(job_id)


def start(
    session: Session,
    who: Principal,
    *,
    kind: Shape,
    filename: str,
    data: bytes | IO[bytes],
    mapping: bytes | None,
    dry_run: bool,
    skip_invalid: bool = False,
) -> ImportJob:
    """Record the job, keep the file, and run the import in the background."""
    job = ImportJob(
        user_id=who.user_id,
        kind=kind.value,
        filename=filename,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    session.add(job)
    session.commit()
    with tempfile.NamedTemporaryFile(
        prefix="cordon-import-", suffix=Path(filename).suffix, delete=False
    ) as spool:
        if isinstance(data, bytes):
            spool.write(data)
        else:
            shutil.copyfileobj(data, spool)
    with _lock:
        _live[job.id] = Live()
    actor = recorder.Actor(who.user_id, who.username, who.client_address)
    thread = threading.Thread(
        target=_run,
        args=(job.id, kind, Path(spool.name), filename, mapping, (dry_run, skip_invalid), actor),
        name=f"import-{job.id}",
        daemon=True,
    )
    thread.start()
    return job


def _run(
    job_id: int,
    kind: Shape,
    path: Path,
    filename: str,
    mapping: bytes | None,
    options: tuple[bool, bool],
    actor: recorder.Actor,
) -> None:
    """The thread's work: import the kept file, forget it, record the outcome."""
    dry_run, skip_invalid = options

    def progress(stage: str, done: int, total: int | None) -> None:
        with _lock:
            _live[job_id] = Live(stage, done, total)

    report = Report()
    session = new_session()
    recorder.act_as(session, actor)
    try:
        result = service.import_file(
            session,
            kind,
            path,
            name=filename,
            mapping=mapping,
            dry_run=dry_run,
            actor=actor.name,
            progress=progress,
            skip_invalid=skip_invalid,
            report=report,
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
        outcome = _done(result, report)
    except InvalidInput as exc:
        session.rollback()
        outcome = _refused(exc, report)
    except Exception:
        session.rollback()
        log.exception("import %s failed", job_id)  # names code, not data
        outcome = {"status": "failed", "summary": N_("internal error: nothing was imported")}
    finally:
        session.close()
        path.unlink(missing_ok=True)
    _finish(job_id, outcome)


# What a finished import's outcome keeps of its result.
RESULT_FIELDS = (
    "rows",
    "people_created",
    "people_reused",
    "cases",
    "sources",
    "exposures",
    "ignored_columns",
    "encoding",
    "header_line",
    "clusters_created",
    "cluster_members",
    "catch_all",
    "rejected_rows",
)


def _done(result: service.ImportResult, report: Report) -> dict[str, object]:
    """The outcome of an import that ran: its counts, warnings and the files of the rows
    left out and of their errors."""
    return {
        "status": "done",
        "result": {name: getattr(result, name) for name in RESULT_FIELDS},
        "problems": [w.to_record() for w in result.warnings[:KEPT_PROBLEMS]],
        "problem_count": result.warning_count,
        "rejected_file": _text(report.rejected_csv()) if result.rejected_rows else None,
        "errors_file": _text(report.errors_csv()) if report.error_count else None,
    }


def _refused(exc: InvalidInput, report: Report) -> dict[str, object]:
    """The outcome of an import refused: nothing written, every problem kept to show."""
    return {
        "status": "failed",
        "summary": exc.detail,
        "problems": [p.to_record() for p in exc.problems[:KEPT_PROBLEMS]],  # translatable
        "problem_count": exc.problem_count,
        "errors_file": _text(report.errors_csv()),
    }


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _finish(job_id: int, outcome: dict[str, object]) -> None:
    session = new_session()
    try:
        job = session.get_one(ImportJob, job_id)
        for key, value in outcome.items():
            setattr(job, key, value)
        job.finished_at = utcnow()
        session.commit()
    finally:
        session.close()
        with _lock:
            _live.pop(job_id, None)


def recent(session: Session, who: Principal, limit: int = 20) -> list[ImportJob]:
    query = (
        select(ImportJob)
        .where(ImportJob.user_id == who.user_id)
        .order_by(ImportJob.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def mine(session: Session, who: Principal, job_id: int) -> ImportJob | None:
    job = session.get(ImportJob, job_id)
    return job if job is not None and job.user_id == who.user_id else None
