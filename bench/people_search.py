"""Benchmark: person search at city scale (target p95 < 100 ms at 1,000,000 people).

Generates N people with realistic Vietnamese names (Nguyễn ~38 %, Trần, Lê …; Văn / Thị …),
phones and national IDs, loads them with ``people.bulk.insert_people`` into a fresh database,
then times ``people.service.search_people`` (and the HTTP API with ``--api``) on a mix of
queries typed the way tracers type them: full names with or without diacritics, family +
given name, a given name alone, a phone in local format, a national ID, one very common word.

    .venv/bin/python bench/people_search.py --people 1000000            # SQLite file in var/
    CORDON_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/people_search.py --people 1000000        # private PG schema
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from cordon.core.config import PROJECT_ROOT, get_settings
from cordon.core.db import get_engine, make_engine, new_session
from cordon.core.migrate import upgrade
from cordon.core.text import fold
from cordon.people import service
from cordon.people.bulk import PersonRow, insert_people
from cordon.people.enums import Sex

FAMILY = {  # share of the population, in percent (approximate national figures)
    "Nguyễn": 38.4, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.1, "Hoàng": 3.0, "Huỳnh": 2.1,
    "Phan": 4.5, "Vũ": 2.4, "Võ": 1.5, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5, "Đinh": 1.0, "Trịnh": 0.8, "Đào": 0.8, "Mai": 0.6,
    "Cao": 0.6, "Lương": 0.5, "Tạ": 0.4, "Hà": 0.5, "Kiều": 0.3, "Lâm": 0.4, "Tô": 0.3,
}  # fmt: skip
MIDDLE = {
    Sex.male: {"Văn": 40, "Đức": 10, "Minh": 10, "Quang": 8, "Hữu": 8, "Thanh": 6, "Công": 6,
               "Xuân": 4, "Ngọc": 3, "Tuấn": 3, "Mạnh": 2},
    Sex.female: {"Thị": 50, "Ngọc": 10, "Thu": 8, "Thanh": 6, "Minh": 5, "Phương": 5, "Kim": 5,
                 "Hồng": 4, "Mai": 4, "Bích": 3},
}  # fmt: skip
GIVEN = {
    Sex.male: "An Anh Bảo Bình Cường Dũng Duy Đạt Đức Dương Hải Hiếu Hoàng Hùng Huy Khang "
    "Khánh Khoa Kiên Long Lâm Mạnh Minh Nam Nghĩa Phong Phúc Quân Quang Sơn Tài Tâm Thắng "
    "Thành Tiến Toàn Trung Tuấn Tùng Việt Vinh Vũ Hưng Lộc Thịnh",
    Sex.female: "Anh Chi Dung Giang Hà Hằng Hạnh Hoa Hồng Huyền Hương Lan Linh Loan Mai My "
    "Nga Ngân Ngọc Nhung Oanh Phương Quỳnh Thảo Thu Thủy Trang Uyên Vân Yến Thư Vy Hiền",
}
MOBILE_PREFIXES = (
    "90",
    "91",
    "93",
    "94",
    "96",
    "97",
    "98",
    "86",
    "88",
    "70",
    "77",
    "32",
    "35",
    "39",
)


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def person(rng: random.Random, i: int) -> PersonRow:
    sex = rng.choice((Sex.male, Sex.female))
    parts = [weighted(rng, FAMILY), weighted(rng, MIDDLE[sex])]
    if rng.random() < 0.15:
        parts.append(weighted(rng, MIDDLE[sex]))
    parts.append(rng.choice(GIVEN[sex].split()))
    phone = f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}" if i % 5 else None
    national_id = f"001{rng.randrange(10):d}{i:08d}" if i % 10 < 7 else None
    year = rng.randint(1935, 2020)
    return PersonRow(
        full_name=" ".join(parts), sex=sex, birth_year=year, phone=phone, national_id=national_id
    )


def people(n: int, seed: int) -> Iterator[PersonRow]:
    rng = random.Random(seed)
    for i in range(n):
        yield person(rng, i)


def fresh_database(n: int, reuse: bool) -> tuple[Engine, Callable[[], None], bool]:
    """A new empty, migrated database: a SQLite file, or a private schema on PostgreSQL.
    With ``reuse``, an already loaded SQLite file (or the PostgreSQL schema named by
    BENCH_SCHEMA) is used as it is (True: it needs no load). BENCH_KEEP_SCHEMA=1 keeps a new
    PostgreSQL schema for later runs."""
    url = os.environ.get("CORDON_DATABASE_URL", "")
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if url.startswith("postgresql"):
        kept = os.environ.get("BENCH_SCHEMA") if reuse else None
        schema = kept or f"bench_people_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        if not kept:
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        os.environ["CORDON_DATABASE_URL"] = f"{url}?options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            get_engine().dispose()
            if os.environ.get("BENCH_KEEP_SCHEMA") or kept:
                print(f"kept schema {schema}")
                return
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    else:
        path = Path(PROJECT_ROOT / "var" / "bench" / f"people-{n}.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        if reuse and path.exists():
            os.environ["CORDON_DATABASE_URL"] = f"sqlite:///{path}"
            get_settings.cache_clear()
            get_engine.cache_clear()
            return get_engine(), cleanup, True
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["CORDON_DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = get_engine()
    if os.environ.get("BENCH_SCHEMA") and reuse:
        return engine, cleanup, True
    upgrade(engine)
    return engine, cleanup, False


def load(
    engine: Engine, n: int, seed: int, *, insert: bool = True, chunk: int = 100_000
) -> list[PersonRow]:
    """Insert ``n`` people; returns a sample of them to build queries from."""
    sample: list[PersonRow] = []
    batch: list[PersonRow] = []
    rng = random.Random(seed + 1)
    for row in people(n, seed):
        batch.append(row)
        if rng.random() < 2000 / n:
            sample.append(row)
        if len(batch) == chunk:
            _insert(engine, batch if insert else [])
            batch = []
    _insert(engine, batch if insert else [])
    tidy(engine)
    return sample


def tidy(engine: Engine) -> None:
    """Statistics for the planner; on PostgreSQL also the visibility map (what autovacuum
    does after a load), without which index-only scans visit the table."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE people, person_name_tokens"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _insert(engine: Engine, rows: list[PersonRow]) -> None:
    if not rows:
        return
    session = new_session(engine)
    insert_people(session, rows)
    session.commit()
    session.close()


def queries(sample: list[PersonRow], count: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed + 2)
    kinds: list[tuple[str, Callable[[PersonRow], dict[str, str] | None]]] = [
        ("full name, no diacritics", lambda p: {"q": fold(p.full_name)}),
        ("full name, diacritics", lambda p: {"q": p.full_name}),
        ("family + given", lambda p: {"q": f"{p.full_name.split()[0]} {p.full_name.split()[-1]}"}),
        ("given name only", lambda p: {"q": fold(p.full_name.split()[-1])}),
        ("phone, local format", lambda p: {"phone": "0" + p.phone[3:]} if p.phone else None),
        ("national ID", lambda p: {"national_id": p.national_id} if p.national_id else None),
        ("one common word", lambda p: {"q": rng.choice(("nguyen", "van", "thi", "tran"))}),
    ]
    out: list[tuple[str, dict[str, str]]] = []
    while len(out) < count:
        kind, make = kinds[len(out) % len(kinds)]
        criteria = make(rng.choice(sample))
        if criteria is not None:
            out.append((kind, criteria))
    return out


def time_service(engine: Engine, qs: list[tuple[str, dict[str, str]]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = defaultdict(list)
    for kind, criteria in qs:
        session = new_session(engine)
        start = time.perf_counter()
        result = service.search_people(session, limit=50, **criteria)  # type: ignore[arg-type]
        times[kind].append((time.perf_counter() - start) * 1000)
        assert result.rows or kind == "family + given", (kind, criteria)
        session.close()
    return times


def time_api(qs: list[tuple[str, dict[str, str]]]) -> dict[str, list[float]]:
    from fastapi.testclient import TestClient

    from cordon.api import create_app

    times: dict[str, list[float]] = defaultdict(list)
    with TestClient(create_app()) as client:
        for kind, criteria in qs:
            start = time.perf_counter()
            response = client.post("/api/v1/people/search", json=criteria)
            times[kind].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}: ms per search (p50 / p95 / max)")
    for kind, values in times.items():
        print(f"  {kind:26} {statistics.median(values):7.1f} {p95(values):7.1f} {max(values):7.1f}")
    every = [v for values in times.values() for v in values]
    print(f"  {'all':26} {statistics.median(every):7.1f} {p95(every):7.1f} {max(every):7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=700)
    parser.add_argument("--seed", type=int, default=20200306)
    parser.add_argument("--api", action="store_true", help="Also time through the HTTP API.")
    parser.add_argument("--reuse", action="store_true", help="Keep a loaded SQLite file.")
    args = parser.parse_args()
    engine, cleanup, loaded = fresh_database(args.people, args.reuse)
    try:
        start = time.perf_counter()
        sample = load(engine, args.people, args.seed, insert=not loaded)
        verb = "reused" if loaded else "loaded"
        print(f"{engine.dialect.name}: {verb} {args.people:,} people "
              f"in {time.perf_counter() - start:.0f} s")  # fmt: skip
        qs = queries(sample, args.queries, args.seed)
        time_service(engine, qs[:50])  # warm the caches
        report("service.search_people", time_service(engine, qs))
        if args.api:
            report("POST /api/v1/people/search", time_api(qs))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
