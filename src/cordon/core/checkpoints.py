"""SQLite's WAL checkpoints off the request path.

Every request writes its audit entry, so the write-ahead log grows with reads too. SQLite
copies the log back into the database (a *checkpoint*) in whichever commit crosses the
threshold, and that request pays for it: a case list page that takes 7 ms took 20–25 ms
every fifteenth request on the 1 M-person city (bench/README.md). The server instead
checkpoints from a thread of its own once a second (``PASSIVE``: it never waits for readers
or writers; SQLite releases the GIL meanwhile), and the per-commit threshold is raised to
10,000 pages (``db.py``) so that a request crosses it only in a burst. PostgreSQL has its own
checkpointer; nothing runs there.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, engine: Engine, every_seconds: float = 1.0) -> None:
        self.engine = engine
        self.every = every_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.engine.dialect.name != "sqlite" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        connection = self.engine.raw_connection()
        try:
            while not self._stop.wait(self.every):
                try:
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    cursor.close()
                except Exception:  # a busy or closed database: try again next time
                    log.warning("WAL checkpoint failed; retrying", exc_info=True)
        finally:
            connection.close()
