"""Fast inserts for imports and generated cities: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from cordon.core.db import Base


def _table(model: type[Base]) -> Table:
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
    table = _table(model)
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
    stmt = insert(table)
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) >= chunk:
            conn.execute(stmt, batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(stmt, batch)
        count += len(batch)
    return count


def next_ids(session: Session, model: type[Base], n: int) -> range:
    """Reserve ``n`` consecutive ids for rows about to be bulk-inserted with explicit ids.

    On PostgreSQL the id sequence is advanced past the block; on SQLite the single writer
    holds the database, so max(id) + 1 is safe."""
    table = _table(model)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        seq = f"{table.name}_id_seq"
        start = int(conn.execute(text(f"SELECT nextval('{seq}')")).scalar_one())
        if n > 1:
            conn.execute(text(f"SELECT setval('{seq}', :v)"), {"v": start + n - 1})
        return range(start, start + n)
    top = conn.execute(select(func.max(table.c.id))).scalar() or 0
    return range(top + 1, top + 1 + n)
