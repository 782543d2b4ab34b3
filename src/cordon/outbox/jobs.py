"""What the worker does besides delivering: jobs that fall due by the clock (the network's
daily situation report on its schedule), installed where the program starts
(``cordon.wiring``), run by ``cordon worker`` between its rounds.

A job gets a session of its own and commits it; one that fails is logged (its kind of
error, never the data) and tried again at its next turn, without stopping the delivery."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger("cordon.outbox")

Job = Callable[[Session], int]  # what it did (a count), committed by the runner


@dataclass(frozen=True)
class Installed:
    job: Job
    every_seconds: float


_installed: dict[str, Installed] = {}


def install_job(name: str, job: Job, *, every_seconds: float) -> None:
    """``job`` run by every worker at most once each ``every_seconds``."""
    _installed[name] = Installed(job, every_seconds)


@dataclass
class Clock:
    """When each installed job last ran in this worker."""

    engine: Engine
    last: dict[str, float] = field(default_factory=dict)

    def run_due(self) -> int:
        """Run the jobs whose turn has come; the sum of what they did."""
        done = 0
        for name, installed in list(_installed.items()):
            moment = time.monotonic()
            if moment - self.last.get(name, -installed.every_seconds) < installed.every_seconds:
                continue
            self.last[name] = moment
            try:
                with Session(self.engine) as session:
                    done += installed.job(session)
                    session.commit()
            except Exception as exc:  # a job's failure must not stop the delivery
                log.error("job %s failed (%s)", name, type(exc).__name__)
        return done
