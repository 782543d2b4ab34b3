"""Engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, MetaData, create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from cordon.core.config import get_settings
from cordon.core.errors import NotFound

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-262144")
    # Read pages straight from the OS cache, without a copy per page: a cascade touches a few
    # thousand scattered index pages (ADR 0005). SQLite caps it at its own limit (2 GB).
    cursor.execute("PRAGMA mmap_size=17179869184")
    # The server checkpoints from a thread of its own (core/checkpoints.py); a commit does
    # it itself only past 10,000 pages of log (40 MB) instead of 1,000.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No server-side prepared statements: after a few runs PostgreSQL switches a prepared
    # query to a generic plan, which is blind to the values — ruinous for name-token ranges
    # and id sets (person search went from 14 ms to 250 ms). Planning each query is cheaper.
    return create_engine(
        url, echo=echo, pool_pre_ping=True, connect_args={"prepare_threshold": None}
    )


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.database_url, echo=settings.database_echo)


@lru_cache
def _factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def new_session(engine: Engine | None = None) -> Session:
    return _factory(engine or get_engine())()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back everything on any error."""
    session = new_session(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def refresh_statistics(session: Session, *models: type[Base]) -> None:
    """After a bulk load: the query planner's statistics for these tables, inside the
    transaction. Both databases need them: without, SQLite picks a poor index for name search
    on a freshly loaded city (1 s instead of 20 ms at a million people)."""
    from sqlalchemy import text

    for model in models:
        session.execute(text(f"ANALYZE {model.__tablename__}"))


ModelT = TypeVar("ModelT", bound=Base)


def move_person_rows(
    session: Session, *models: type[Base], merged_id: int, kept_id: int, column: str = "person_id"
) -> None:
    """Rows of ``models`` whose ``column`` names the person ``merged_id`` name ``kept_id``
    instead: one person's two records merged, each feature moves its own rows."""
    for model in models:
        attribute = getattr(model, column)
        session.execute(
            update(model).where(attribute == merged_id).values({column: kept_id}),
            execution_options={"synchronize_session": False},
        )


def get_or_404(session: Session, model: type[ModelT], key: Any, *, what: str) -> ModelT:
    """The row of ``model`` with primary key ``key``, or a 404 "No {what} with id {key}."."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"No {what} with id {key}.")
    return row


def one_or_404(
    session: Session, model: type[ModelT], *where: ColumnElement[bool], missing: str
) -> ModelT:
    """The row of ``model`` meeting ``where``, or a 404 with the message ``missing``."""
    row = session.scalar(select(model).where(*where))
    if row is None:
        raise NotFound(missing)
    return row
