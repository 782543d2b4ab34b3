"""Fast inserts for imports and generated cities: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.orm import Session

from cordon.core.db import Base


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
    count = 0
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.dbapi_connection
        cols = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    return _insert_sqlite(conn, table, columns, rows, chunk)


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

    On PostgreSQL the id sequence is advanced past the block; on SQLite the single writer
    holds the database, so max(id) + 1 is safe."""
    table = table_of(model)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        seq = f"{table.name}_id_seq"
        start = int(conn.execute(text(f"SELECT nextval('{seq}')")).scalar_one())
        if n > 1:
            conn.execute(text(f"SELECT setval('{seq}', :v)"), {"v": start + n - 1})
        return range(start, start + n)
    top = conn.execute(select(func.max(table.c.id))).scalar() or 0
    return range(top + 1, top + 1 + n)
