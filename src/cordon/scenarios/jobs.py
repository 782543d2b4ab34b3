"""The runner: a background thread of the API process that runs the queued scenario runs,
one at a time, oldest first (started and stopped by the app's lifespan, ``api.py``).

Each move is a short transaction of its own — the claim, the progress after each run of the
ensemble, a heartbeat every few seconds, the figures or the failure at the end — so the
database is never held while the simulator works, on SQLite or PostgreSQL. The runs of an
ensemble go to ``CORDON_SCENARIO_WORKERS`` processes (1: this thread), or to the Dask
cluster at ``CORDON_SCENARIO_SCHEDULER``.

A run whose heartbeat stops (its server stopped or died mid-run) is marked failed by the
next runner at its start, or by a running one within ``STALE`` — never run twice, never
left "running". A queued run waits in the table for a runner, across restarts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from sqlalchemy.engine import Engine

from cordon.core.config import get_settings
from cordon.core.db import new_session
from cordon.scenarios import service
from cordon.sim.scenario import ScenarioError

log = logging.getLogger(__name__)
POLL = 1.0  # seconds between two looks for a queued run (a new run wakes the runner)
SWEEP = 5.0  # seconds between two looks for runs whose heartbeat stopped
BEAT = 3.0  # seconds between two heartbeats of a running run
STALE = dt.timedelta(seconds=15)  # a running run without a heartbeat this long has stopped


class Runner:
    """The process's one runner thread, shared by every app of the process (tests start
    several): started by the first, stopped with the last, after the run under way."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._engine: Engine | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()

    def start(self, engine: Engine) -> None:
        try:
            self._sweep(engine)  # the runs a stopped server left "running" fail now
        except Exception:  # a database not migrated yet: the loop tries again
            log.warning("scenario runner: cannot look for stopped runs yet")
        with self._lock:
            self._users += 1
            self._engine = engine
            self._stop.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="scenarios", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users:
                return
            self._stop.set()
            self._wake.set()

    def wake(self) -> None:
        """A run was queued: look now rather than at the next poll."""
        self._wake.set()

    def _loop(self) -> None:
        swept = 0.0
        while True:
            with self._lock:
                if self._stop.is_set() or self._engine is None:
                    self._thread = None
                    return
                engine = self._engine
            try:
                if time.monotonic() - swept >= SWEEP:
                    self._sweep(engine)
                    swept = time.monotonic()
                run_id = self._claim(engine)
            except Exception:  # the database away for a moment: look again later
                log.exception("scenario runner: cannot reach the database")
                run_id = None
            if run_id is not None:
                try:
                    _run(engine, run_id)
                except Exception:  # not even its failure could be written: the sweep will
                    log.exception("scenario run %s: cannot record its end", run_id)
                continue
            self._wake.wait(POLL)
            self._wake.clear()

    @staticmethod
    def _sweep(engine: Engine) -> None:
        with new_session(engine) as session:
            if service.fail_stale(session, older_than=STALE):
                session.commit()

    @staticmethod
    def _claim(engine: Engine) -> int | None:
        with new_session(engine) as session:
            run_id = service.claim_next(session)
            session.commit()
            return run_id


runner = Runner()


def _run(engine: Engine, run_id: int) -> None:
    """Run one claimed run to its end: its figures, or why it failed."""
    # the simulator (compiled by Numba) loads with the first run, not with every API process
    from cordon.sim.ensemble import run_ensemble

    def progress(done: int, total: int) -> None:
        with new_session(engine) as session:
            service.record_progress(session, run_id, done=done, total=total)
            session.commit()

    beating = _Heartbeat(engine, run_id)
    beating.start()
    try:
        with new_session(engine) as session:
            scenario = service.scenario_of(service.get_run(session, run_id))
        settings = get_settings()
        ensemble = run_ensemble(
            scenario,
            workers=settings.scenario_workers,
            progress=progress,
            scheduler=settings.scenario_scheduler,
        )
        with new_session(engine) as session:
            service.finish(session, run_id, ensemble)
            session.commit()
    except Exception as error:  # the run fails, the runner goes on
        if not isinstance(error, ScenarioError):
            log.exception("scenario run %s failed", run_id)
        with new_session(engine) as session:
            service.fail(session, run_id, _said(error))
            session.commit()
    finally:
        beating.stop()


def _said(error: Exception) -> str:
    """Why a run failed, for the one who started it (a simulation holds no one's data)."""
    if isinstance(error, ScenarioError):
        return str(error)
    return f"{type(error).__name__}: {error}"


class _Heartbeat:
    """Tells the table every ``BEAT`` seconds that the run is still under way."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self._engine, self._run_id = engine, run_id
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"scenario-{run_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._done.wait(BEAT):
            try:
                with new_session(self._engine) as session:
                    service.beat(session, self._run_id)
                    session.commit()
            except Exception:  # a missed beat is no harm; STALE allows several
                log.warning("scenario run %s: heartbeat missed", self._run_id)
