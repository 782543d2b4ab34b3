"""Benchmark: import a synthetic line list of N cases and N exposures, report rows per second.

    CORDON_DATABASE_URL=sqlite:///var/bench-import.db .venv/bin/python bench/import_linelist.py
    CORDON_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/import_linelist.py --rows 200000

SQLite: the file is deleted first. PostgreSQL: a private schema is created for the run and
dropped afterwards, so no existing data is touched. Goal: ≥ 20,000 validated rows per second.

Besides wall-clock rates, each import reports the CPU seconds it took to read, validate and
write (this process, plus the PostgreSQL backend's, read from /proc): on a shared machine
that figure moves far less with the load than the wall clock does.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from cordon import wiring
from cordon.core.config import get_settings
from cordon.core.db import get_engine, make_engine, session_scope
from cordon.core.migrate import upgrade
from cordon.geography.service import load_city
from cordon.linelists.columns import Shape, column_names
from cordon.linelists.service import import_file

wiring.start()  # as the app and the CLI do (this module is import_memory's too)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Lan", "Linh", "Nam", "Tú", "Trang", "Vy"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def cases_csv(n: int, wards: list[str], rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, column_names(Shape.cases), lineterminator="\n")
    writer.writeheader()
    for i in range(n):
        day = 1 + rng.randrange(28)
        confirmed = f"2021-{5 + i * 6 // n:02d}-{day:02d}"
        onset = f"2021-{5 + i * 6 // n:02d}-{max(1, day - rng.randrange(4)):02d}"
        sources = f"C{rng.randrange(i)}" if i and rng.random() < 0.4 else rng.choice(["", "GB"])
        writer.writerow(
            {
                "case_code": f"C{i}",
                "full_name": _name(rng),
                "sex": rng.choice(("male", "female")),
                "birth_year": str(1940 + rng.randrange(80)),
                "phone": f"09{i:08d}",
                "national_id": f"001{i:09d}",
                "nationality": "VN",
                "ward_code": rng.choice(wards),
                "status": rng.choice(("confirmed", "recovered")),
                "onset_on": onset,
                "confirmed_on": confirmed,
                "province": "Hà Nội",
                "sources": sources,
            }
        )
    return out.getvalue().encode()


def exposures_csv(n: int, cases: int, wards: list[str], rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, column_names(Shape.exposures), lineterminator="\n")
    writer.writeheader()
    for i in range(n):
        writer.writerow(
            {
                "index_case_code": f"C{rng.randrange(cases)}",
                "contact_full_name": _name(rng),
                "contact_birth_year": str(1940 + rng.randrange(80)),
                "contact_phone": f"03{i:08d}",
                "contact_ward_code": rng.choice(wards),
                "first_on": "2021-05-01",
                "last_on": f"2021-05-{1 + rng.randrange(9):02d}",
                "setting": rng.choice(("household", "workplace", "venue")),
            }
        )
    return out.getvalue().encode()


@contextmanager
def fresh_database() -> Iterator[str]:
    url = get_settings().database_url
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
        yield url
        return
    schema = f"bench_import_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    os.environ["CORDON_DATABASE_URL"] = f"{url}{sep}options=-csearch_path%3D{schema}"
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        yield url
    finally:
        get_engine().dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def server_cpu(session: Session) -> Callable[[], float]:
    """CPU seconds used so far by the PostgreSQL backend serving ``session`` (read from
    /proc when the server runs on this machine); 0 on SQLite, where this process does it
    all, and for a server elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 0.0
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return lambda: 0.0
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return used


def timed_import(shape: Shape, data: bytes, name: str) -> dict[str, float]:
    """Seconds spent reading and checking, and writing (the import goes through its file
    chunk by chunk: each phase's time is added up from the progress calls), in the tier
    engine's pass after the import, and in all; CPU seconds of this process and of the
    PostgreSQL backend."""
    spent: dict[str, float] = {}
    last = ["", 0.0]
    with session_scope() as session:
        server = server_cpu(session)
        cpu = {"start": time.process_time(), "server start": server()}

        def progress(phase: str, _done: int, _total: int | None) -> None:
            now = time.perf_counter()
            if last[0]:
                spent[last[0]] = spent.get(last[0], 0.0) + now - last[1]
            last[:] = [phase, now]
            if phase == "done":
                cpu["done"], cpu["server done"] = time.process_time(), server()

        start = time.perf_counter()
        last[1] = start
        import_file(session, shape, data, name=name, progress=progress)
        announced = time.perf_counter()
        cpu["announced"], cpu["server announced"] = time.process_time(), server()
    end = time.perf_counter()
    cpu["end"], cpu["server end"] = time.process_time(), server()
    writing = sum(t for phase, t in spent.items() if phase.startswith("writing"))
    return {
        "cpu": cpu["done"] - cpu["start"] + cpu["end"] - cpu["announced"],
        "server cpu": cpu["server done"]
        - cpu["server start"]
        + cpu["server end"]
        - cpu["server announced"],
        "read+validate": sum(spent.values()) - writing,
        "write+commit": writing + (end - announced),
        "events": announced - last[1],
        "total": end - start,
    }


def report(label: str, rows: int, times: dict[str, float]) -> None:
    work = times["read+validate"] + times["write+commit"]
    print(
        f"{label:<10} {rows:>9,} rows | read+validate {rows / times['read+validate']:>9,.0f}/s"
        f" | write {rows / times['write+commit']:>9,.0f}/s | overall {rows / work:>9,.0f}/s"
        f" | CPU {times['cpu']:.1f}s + server {times['server cpu']:.1f}s"
        f" = {rows / (times['cpu'] + times['server cpu']):,.0f}/s"
        f" | events (tier engine) {times['events']:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="cases (and exposures) rows")
    parser.add_argument("--seed", type=int, default=20200306)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with fresh_database() as url:
        upgrade()
        with session_scope() as session:
            load_city(session)
        from cordon.geography.models import AdminUnit

        with session_scope() as session:
            wards = [u.code for u in session.query(AdminUnit).filter_by(level="ward")]
        cases = cases_csv(args.rows, wards, rng)
        exposures = exposures_csv(args.rows, args.rows, wards, rng)
        print(
            f"{url.split(':', 1)[0]}: cases {len(cases) / 2**20:.0f} MB, "
            f"exposures {len(exposures) / 2**20:.0f} MB"
        )
        report("cases", args.rows, timed_import(Shape.cases, cases, "cases.csv"))
        report("exposures", args.rows, timed_import(Shape.exposures, exposures, "exposures.csv"))


if __name__ == "__main__":
    main()
