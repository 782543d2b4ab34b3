"""Shared by the benchmarks: a synthetic city in a database of its own, timing helpers."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_BASE = os.environ.get(
    "CORDON_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def database_url(backend: str, people: int, cases: int | None = None) -> str:
    """One database per backend and size, kept between runs (bench/results/ is not in git).
    ``cases``: a city with that many cases instead of the usual one per 100 people."""
    suffix = f"-{cases}" if cases is not None and cases != people // 100 else ""
    if backend == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{RESULTS / f'city-{people}{suffix}.db'}"
    schema = f"bench_city_{people}{suffix.replace('-', '_')}"
    from cordon.core.db import make_engine

    admin = make_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    admin.dispose()
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def fresh_database(backend: str, name: str) -> str:
    """An empty database made anew for one run: bench/results/<name>.db, or the schema
    bench_<name> (``-`` becomes ``_``)."""
    if backend == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from cordon.core.db import make_engine

    schema = "bench_" + name.replace("-", "_")
    admin = make_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def use_database(url: str) -> None:
    """Point this process's settings and engine at ``url``."""
    os.environ["CORDON_DATABASE_URL"] = url
    from cordon import wiring
    from cordon.core.config import get_settings
    from cordon.core.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    wiring.start()


def ensure_city(url: str, people: int, seed: int, cases: int | None = None) -> float:
    """Migrate and load the synthetic city unless it is there; returns load seconds (0 if kept)."""
    use_database(url)
    from cordon.core.db import get_engine, session_scope
    from cordon.core.migrate import upgrade
    from cordon.demo.synthetic import SyntheticOptions, load_synthetic
    from cordon.people.models import Person

    upgrade(get_engine())
    with session_scope() as session:
        have = session.scalar(select(func.count()).select_from(Person)) or 0
    if have >= people:
        vacuum_analyze(url)
        return 0.0
    started = time.perf_counter()
    with session_scope() as session:
        options = SyntheticOptions(people=people, seed=seed, cases=cases or people // 100)
        load_synthetic(session, options)
    elapsed = time.perf_counter() - started
    vacuum_analyze(url)
    return elapsed


def vacuum_analyze(url: str) -> None:
    """After a bulk load, as an operator would: statistics (and PostgreSQL's visibility map)."""
    from cordon.core.db import make_engine

    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"))
    engine.dispose()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "max_ms": ordered[-1] * 1000}


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.system()} {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {python}"


def git_revision() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(url: str, src: str | None = None, workers: int = 1) -> Iterator[httpx.Client]:
    """The app on a real HTTP server (uvicorn, one worker unless told) over ``url``; ``src``
    runs the code of another checkout (its ``src`` folder) instead of this one."""
    port = _free_port()
    env = {**os.environ, "CORDON_DATABASE_URL": url}
    if src:
        env["PYTHONPATH"] = src
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "cordon.api:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        env=env,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield client
    finally:
        server.terminate()
        server.wait(timeout=30)
