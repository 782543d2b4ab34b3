"""Fast inserts for imports and generated cities: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.orm import Session

from cordon.core.db import Base

# Told of every bulk insert with the people it concerns: the audit log, wired at start
# (``cordon.wiring.start``); a bulk insert with no one to tell refuses to run.
BulkListener = Callable[[Session, str, int, Sequence[int]], None]
_told: list[BulkListener] = []


def tell_inserts_to(listener: BulkListener) -> None:
    """Have ``listener`` told of every bulk insert from now on (once, however often asked)."""
    if listener not in _told:
        _told.append(listener)


def _person_columns(table: Table, columns: Sequence[str]) -> list[int]:
    """Positions of the columns that name a person (a person's own id in ``people``)."""
    wanted = ("id",) if table.name == "people" else ("person_id", "contact_id")
    return [k for k, name in enumerate(columns) if name in wanted]


def _tell(session: Session, table: Table, count: int, people: Iterable[Any]) -> None:
    if not _told:
        raise RuntimeError(
            f"bulk insert into {table.name} with no audit hook: the program must call "
            "cordon.wiring.start() when it starts"
        )
    if count:
        ids = sorted({int(p) for p in people if p is not None})
        for listener in _told:
            listener(session, table.name, count, ids)


def _collecting(
    rows: Iterable[Sequence[Any]], positions: list[int], into: list[Any]
) -> Iterator[Sequence[Any]]:
    for row in rows:
        into.extend(row[k] for k in positions)
        yield row


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk: int = 50_000,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table, inside the
    session's transaction. Returns the number of rows."""
    table = table_of(model)
    conn = session.connection()
    people: list[Any] = []
    rows = _collecting(rows, _person_columns(table, columns), people)
    count = 0
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.dbapi_connection
        cols = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    else:
        count = _insert_sqlite(conn, table, columns, rows, chunk)
    _tell(session, table, count, people)
    return count


def _insert_sqlite(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    chunk: int,
) -> int:
    """executemany on the driver with the columns' own bind processors (dates, enums, booleans
    stored exactly as SQLAlchemy stores them) but without its per-row parameter machinery,
    which costs several times the insert itself."""
    processors = [
        (i, p)
        for i, name in enumerate(columns)
        if (p := table.c[name].type._cached_bind_processor(conn.dialect)) is not None
    ]
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        if processors:
            values = list(row)
            for i, process in processors:
                values[i] = process(values[i])
            row = values
        batch.append(tuple(row))
        if len(batch) >= chunk:
            conn.exec_driver_sql(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)
        count += len(batch)
    return count


def next_ids(session: Session, model: type[Base], n: int) -> range:
    """Reserve ``n`` consecutive ids for rows about to be bulk-inserted with explicit ids.

    On PostgreSQL the id sequence jumps past the block in one statement, so another session
    can only slip in between its ``nextval`` and ``setval`` within that statement (a clash
    then fails the load with a duplicate key, never mixes records). On SQLite the single
    writer holds the database, so max(id) + 1 is safe."""
    table = table_of(model)
    conn = session.connection()
    if n <= 0:
        return range(0)
    if conn.dialect.name == "postgresql":
        seq = f"{table.name}_id_seq"
        last = int(
            conn.execute(
                text(f"SELECT setval('{seq}', nextval('{seq}') + :n - 1)"), {"n": n}
            ).scalar_one()
        )
        return range(last - n + 1, last + 1)
    top = conn.execute(select(func.max(table.c.id))).scalar() or 0
    return range(top + 1, top + 1 + n)


def insert_columns(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    *,
    chunk: int = 50_000,
) -> int:
    """Insert rows given column by column: ``values[k]`` holds column ``columns[k]`` of every
    row (all of the same length). Values are plain Python (None, str, int, bool, date,
    datetime, StrEnum); each column is converted once per distinct value, not per row.

    PostgreSQL: ``COPY … FROM STDIN`` in text format, written in blocks of lines formatted
    here. SQLite: one ``executemany`` on the driver cursor of the session's connection (the
    same transaction). Returns the number of rows."""
    table = table_of(model)
    conn = session.connection()
    n = len(values[0]) if values else 0
    if n == 0:
        return 0
    pg = conn.dialect.name == "postgresql"
    cells = [
        _pg_text(values[k]) if pg else _sqlite_values(conn, table.c[name].type, values[k])
        for k, name in enumerate(columns)
    ]
    raw: Any = conn.connection.dbapi_connection
    names = ", ".join(columns)
    if pg:
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for start in range(0, n, chunk):
                part = [c[start : start + chunk] for c in cells]
                copy.write("\n".join(map("\t".join, zip(*part, strict=True))) + "\n")
    else:
        marks = ", ".join("?" for _ in columns)
        cursor = raw.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {table.name} ({names}) VALUES ({marks})", zip(*cells, strict=True)
            )
        finally:
            cursor.close()
    _tell(session, table, n, (p for k in _person_columns(table, columns) for p in values[k]))
    return n


_SPECIAL = ("\\", "\t", "\n", "\r")


def _pg_text(values: Sequence[Any]) -> list[str]:
    """One column in COPY text format: NULL as ``\\N``, backslash, tab and newlines escaped."""
    kinds = {type(v) for v in values}
    if kinds <= {str, type(None)}:
        texts = [r"\N" if v is None else v for v in values] if type(None) in kinds else values
        joined = "".join(texts)
        if any(s in joined for s in _SPECIAL):
            return [r"\N" if v is None else _escape(v) for v in values]
        return list(texts)
    table = {v: _pg_value(v) for v in set(values)}
    return [table[v] for v in values]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _pg_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return _escape(str(value))


def _sqlite_values(conn: Connection, kind: Any, values: Sequence[Any]) -> Sequence[Any]:
    """The column as SQLAlchemy stores it on SQLite (its bind processor, per distinct value)."""
    process = kind._cached_bind_processor(conn.dialect)
    if process is None:
        return values
    table = {v: process(v) for v in set(values)}
    return [table[v] for v in values]
