"""Engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, MetaData, create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, sessionmaker

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
def unit_of_work(session: Session) -> Iterator[Session]:
    """The one unit of work, for a command and for a request alike: ``session`` commits when
    the block ends, rolls back everything on any error, and is closed either way."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A new session as one unit of work (``unit_of_work``)."""
    with unit_of_work(new_session(engine)) as session:
        yield session


P = ParamSpec("P")
R = TypeVar("R")


def atomic(write: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """A service function whose writes stand together or not at all *inside* the caller's
    unit of work (a savepoint): when it raises, what it wrote is undone and the error goes
    on, and the session stays usable. So a page that catches the error shows the form again
    without undoing anything itself, and the API's request rolls back as ever."""

    @wraps(write)
    def in_savepoint(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with savepoint(session):
            return write(session, *args, **kwargs)

    return in_savepoint


def savepoint(session: Session) -> SessionTransaction:
    """A savepoint inside the caller's transaction (on SQLite, that transaction begun first:
    see ``_begin_writing``), for a write that may clash and be undone alone."""
    if is_sqlite(session):
        _begin_writing(session)
    return session.begin_nested()


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _begin_writing(session: Session) -> None:
    """SQLite's driver opens its transaction only at the first write; a SAVEPOINT before it
    would open one of its own, which its RELEASE commits, and a read inside it would make the
    write that follows fail at once when another connection wrote meanwhile. So a write
    function takes the write lock first (waiting its turn as any write does)."""
    connection = session.connection()
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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


def set_ward_copies(
    session: Session, *models: type[Base], person_id: int, ward_id: int | None
) -> None:
    """Rows of ``models`` of the person ``person_id`` carry the ward ``ward_id``: the copy of
    the person's ward that lets a ward's lists read one index (ADR 0007, 0009). The person
    moved, or their records were merged: each feature moves its own rows."""
    for model in models:
        session.execute(
            update(model).where(model.__table__.c.person_id == person_id).values(ward_id=ward_id)
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
