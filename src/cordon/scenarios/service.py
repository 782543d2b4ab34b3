"""Scenario runs: the only place that writes them. A request records a run, queued, with the
scenario as it will run (started from the registry when asked); the runner (``jobs``) claims
it, records its progress and heartbeat, then its figures or why it failed — each in a short
transaction of its own. Functions flush and never commit: the caller does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cordon.access.principal import Principal
from cordon.core.dates import today
from cordon.core.db import atomic, get_or_404
from cordon.core.errors import N_, InvalidInput
from cordon.core.models import utcnow
from cordon.core.pagination import paged
from cordon.scenarios import registry
from cordon.scenarios.models import RunStatus, ScenarioRun
from cordon.sim.results import METRICS, QUANTILES, Ensemble
from cordon.sim.scenario import Scenario, parse_scenario

STOPPED = N_("the server stopped while the scenario ran")


# -- starting ------------------------------------------------------------------------------


@atomic
def start_run(
    session: Session,
    who: Principal,
    scenario: Scenario,
    *,
    from_registry: bool = False,
    growth_as_imports: bool = False,
    on: dt.date | None = None,
) -> ScenarioRun:
    """Record a run of ``scenario``, queued. ``from_registry``: it starts ``on`` (today, or
    an earlier day) from the registry as it stood (``registry``); what was read is kept."""
    record: dict[str, Any] | None = None
    for name, given in (("growth_as_imports", growth_as_imports), ("on", on is not None)):
        if given and not from_registry:
            raise InvalidInput.on(name, N_("applies only to a run started from the registry"))
    if on is not None and on > today():
        raise InvalidInput.on("on", N_("is in the future (%(day)s)"), day=on)
    if from_registry:
        figures = registry.read_registry(session, on=on or today())
        scenario = registry.seeded(scenario, figures, growth_as_imports=growth_as_imports)
        record = {**figures.as_record(), "growth_as_imports": growth_as_imports}
    run = ScenarioRun(
        name=scenario.name,
        scenario=scenario.model_dump(mode="json"),
        from_registry=from_registry,
        registry_figures=record,
        status=RunStatus.queued,
        runs_done=0,
        runs_total=scenario.runs,
        started_by=who.user_id,
    )
    session.add(run)
    session.flush()
    return run


def scenario_of(run: ScenarioRun) -> Scenario:
    """The scenario as it runs (checked when it was recorded)."""
    return parse_scenario(run.scenario)


# -- reading -------------------------------------------------------------------------------


def get_run(session: Session, run_id: int) -> ScenarioRun:
    return get_or_404(session, ScenarioRun, run_id, what="scenario run")


def list_runs(
    session: Session, *, limit: int = 50, offset: int = 0
) -> tuple[list[ScenarioRun], int]:
    """Every run of the city, newest first: the figures are the city's, no one's record."""
    return paged(session, select(ScenarioRun), ScenarioRun.id.desc(), limit=limit, offset=offset)


def runs_by_ids(session: Session, ids: Sequence[int]) -> list[ScenarioRun]:
    """The runs of ``ids`` that exist, in the order asked."""
    found = {r.id: r for r in session.scalars(select(ScenarioRun).where(ScenarioRun.id.in_(ids)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


# -- the runner's moves --------------------------------------------------------------------


def claim_next(session: Session) -> int | None:
    """The oldest queued run, now running (None when none waits). The claim is one guarded
    statement, so two runners never take the same run."""
    candidate = session.scalar(
        select(ScenarioRun.id)
        .where(ScenarioRun.status == RunStatus.queued)
        .order_by(ScenarioRun.id)
        .limit(1)
    )
    if candidate is None:
        return None
    now = utcnow()
    claimed = session.execute(
        update(ScenarioRun)
        .where(ScenarioRun.id == candidate, ScenarioRun.status == RunStatus.queued)
        .values(status=RunStatus.running, started_at=now, heartbeat_at=now),
        execution_options={"synchronize_session": False},
    )
    return candidate if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def _running(session: Session, run_id: int, **values: object) -> None:
    session.execute(
        update(ScenarioRun)
        .where(ScenarioRun.id == run_id, ScenarioRun.status == RunStatus.running)
        .values(**values),
        execution_options={"synchronize_session": False},
    )


def record_progress(session: Session, run_id: int, *, done: int, total: int) -> None:
    _running(session, run_id, runs_done=done, runs_total=total, heartbeat_at=utcnow())


def beat(session: Session, run_id: int) -> None:
    """The runner is still at it (``fail_stale`` spares the run)."""
    _running(session, run_id, heartbeat_at=utcnow())


def finish(session: Session, run_id: int, ensemble: Ensemble) -> None:
    result = result_of(ensemble)
    done = len(ensemble.runs)
    _running(
        session,
        run_id,
        status=RunStatus.done,
        result=result,
        runs_done=done,
        finished_at=utcnow(),
        heartbeat_at=None,
    )


def fail(session: Session, run_id: int, failure: str) -> None:
    values = {"failure": failure[:2000], "finished_at": utcnow(), "heartbeat_at": None}
    _running(session, run_id, status=RunStatus.failed, **values)


def fail_stale(session: Session, *, older_than: dt.timedelta) -> int:
    """Runs left running by a runner that stopped (its server stopped, or died): their
    heartbeat is older than ``older_than``. Each is marked failed; how many. (A look first:
    no write, so no lock on SQLite, when there is none — the usual case.)"""
    cutoff = utcnow() - older_than
    stale = (ScenarioRun.heartbeat_at < cutoff) | ScenarioRun.heartbeat_at.is_(None)
    ids = list(
        session.scalars(
            select(ScenarioRun.id).where(ScenarioRun.status == RunStatus.running, stale)
        )
    )
    if not ids:
        return 0
    done = session.execute(
        update(ScenarioRun)
        .where(ScenarioRun.id.in_(ids), ScenarioRun.status == RunStatus.running, stale)
        .values(status=RunStatus.failed, failure=STOPPED, finished_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


# -- the figures ---------------------------------------------------------------------------


def _compact(values: Any) -> list[float | int]:
    """People to one decimal; whole numbers without one (a smaller JSON)."""
    out: list[float | int] = []
    for v in np.round(np.asarray(values, dtype=np.float64), 1).tolist():
        out.append(int(v) if float(v).is_integer() else v)
    return out


def result_of(ensemble: Ensemble) -> dict[str, Any]:
    """Per metric and day, the 5th percentile, the median and the 95th percentile in the
    city's people; per metric, the same of each run's total over the horizon and of its
    peak (a total means something for a daily count such as infections, a peak for a
    standing one such as hospital beds)."""
    metrics = [m for m in METRICS if ensemble.runs and m in ensemble.runs[0].daily]
    daily: dict[str, dict[str, list[float | int]]] = {}
    summary: dict[str, dict[str, list[float | int]]] = {}
    for metric in metrics:
        low, mid, high = ensemble.quantiles(metric)
        daily[metric] = {"p05": _compact(low), "median": _compact(mid), "p95": _compact(high)}
        matrix = ensemble.matrix(metric)
        summary[metric] = {
            "total": _compact(np.quantile(matrix.sum(axis=1), QUANTILES)),
            "peak": _compact(np.quantile(matrix.max(axis=1), QUANTILES)),
        }
    first = ensemble.runs[0] if ensemble.runs else None
    return {
        "start": ensemble.start.isoformat(),
        "days": ensemble.days,
        "runs": len(ensemble.runs),
        "agents": first.agents if first else 0,
        "scale": round(first.scale, 4) if first else 0,
        "metrics": daily,
        "summary": summary,
    }
