"""The entries of reads, chained by a thread of their own in batches.

A change is chained in the transaction that makes it (it must not exist without its entry).
A *read* writes nothing else, so waiting for its entry's own commit would double the cost of
every page (2–3 ms on PostgreSQL for a 5 ms request, bench/README.md). The server therefore
hands the entries of safe requests (GET …) to this log, which appends whatever has arrived
every 50 ms in one transaction. The entry keeps the moment of the read; the chain's order
is the order of appending. A crash of the server process loses at most the last batch
(the same window as PostgreSQL's ``synchronous_commit = off``), never a change, never the
chain's integrity. Reading the log (``audit/service.py``) first waits for what this
process has pending, so an auditor always sees their colleagues' reads.

Outside the server (CLI, scripts, tests without the app) nothing runs in the background
and reads are chained at commit like changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from cordon.audit.chain import Draft, append
from cordon.core.db import new_session

log = logging.getLogger(__name__)


class ReadLog:
    def __init__(self, every_seconds: float = 0.05) -> None:
        self.every = every_seconds
        self._engine: Engine | None = None
        self._pending: list[Draft] = []
        self._lock = threading.Condition()
        self._submitted = 0  # drafts handed over so far
        self._written = 0  # of those, chained and committed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, engine: Engine) -> None:
        if self._thread is not None:
            return
        self._engine = engine
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="audit-reads", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is pending, then stop (the server's shutdown)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        thread.join(timeout=30)
        self._thread = None
        self._write()  # anything that arrived during the last round

    def submit(self, drafts: Sequence[Draft]) -> None:
        with self._lock:
            self._pending.extend(drafts)
            self._submitted += len(drafts)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every read handed over before this call is in the chain."""
        if self._thread is None:
            return
        with self._lock:
            target = self._submitted
            self._lock.wait_for(lambda: self._written >= target, timeout=timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._write()

    def _write(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch or self._engine is None:
            return
        session = new_session(self._engine)
        try:
            append(session, batch)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("audit entries of %d reads not written yet; retrying", len(batch))
            with self._lock:
                self._pending[:0] = batch  # first in line next time, in their order
            return
        finally:
            session.close()
        with self._lock:
            self._written += len(batch)
            self._lock.notify_all()


reads = ReadLog()
