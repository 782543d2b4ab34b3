"""Fast inserts for imports and generated cities: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]],
    *, chunk: int = 50_000,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's transaction."""
    conn = session.connection()
    count = 0
    if conn.dialect.name == "postgresql":
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cols = ", ".join(columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
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


def next_ids(session: Session, table: Table, n: int) -> range:
    """Reserve ``n`` consecutive ids for rows about to be bulk-inserted with explicit ids.

    Callers must hold the writer (SQLite serialises writers; on PostgreSQL the sequence is
    advanced past the block)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        from sqlalchemy import text

        seq = f"{table.name}_id_seq"
        start = conn.execute(text(f"SELECT nextval('{seq}')")).scalar_one()
        conn.execute(text(f"SELECT setval('{seq}', :v)"), {"v": start + n - 1})
        return range(start, start + n)
    from sqlalchemy import func, select

    top = conn.execute(select(func.max(table.c.id))).scalar() or 0
    return range(top + 1, top + 1 + n)
