"""Benchmark: peak memory of a line-list import against the size of its file.

    CORDON_DATABASE_URL=sqlite:////tmp/imp/bench-memory.db PYTHONPATH=src:bench \
        .venv/bin/python bench/import_memory.py --rows 25000 100000

For each size: a fresh database with the city, a cases list of that many rows
(bench/import_linelist.py's generator) and an exposures list of as many contacts of those
cases, written to files and imported from them — as the CLI and the web page do — each in
a fresh child process. The child resets its peak resident memory (``VmHWM``, through
``/proc/self/clear_refs``) once the app and its connection are loaded, then reads it when
the import reports "done" (the import itself: reading, checking, writing) and after the
reactions to ``RegistryLoaded`` (the tier engine's whole-city pass, the public counts),
which run in the same process and transaction. Goal (issue 17 §2): peak < 2 × the file's
size plus a constant, i.e. a slope (peak₂ − peak₁) / (file₂ − file₁) below 2.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from cordon.core.config import get_settings
from cordon.core.db import get_engine, session_scope
from cordon.core.migrate import upgrade
from cordon.geography.models import AdminUnit
from cordon.geography.service import load_city
from cordon.linelists.columns import Shape
from cordon.linelists.service import import_file
from import_linelist import cases_csv, exposures_csv, fresh_database

MB = 2**20


def status_mb(field: str) -> float:
    """A line of /proc/self/status in MB (``VmRSS``, ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def reset_peak() -> None:
    """The peak resident memory (VmHWM) set back to the current one (Linux ≥ 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def child(shape: Shape, path: Path) -> None:
    """Import ``path`` in this process; print the peaks as JSON."""
    with session_scope() as session:
        session.query(AdminUnit).count()  # the app and its connection loaded
    reset_peak()
    got: dict[str, float] = {
        "before": status_mb("VmRSS"),
        "anon before": status_mb("RssAnon"),
        "file before": status_mb("RssFile"),
    }

    def progress(phase: str, _done: int, _total: int | None) -> None:
        # sampled at each phase of each chunk: private memory, and the database file's
        # pages SQLite reads through its memory map (the OS's cache, shared)
        got["anon"] = max(got.get("anon", 0), status_mb("RssAnon"))
        got["file-backed"] = max(got.get("file-backed", 0), status_mb("RssFile"))
        if phase == "done":  # the import written; the reactions follow
            got["import peak"] = status_mb("VmHWM")
            got["s import"] = time.perf_counter() - start
            reset_peak()
            got["at done"] = status_mb("VmRSS")

    start = time.perf_counter()
    import os

    from sqlalchemy import text

    with session_scope() as session:
        if os.environ.get("CACHE"):
            session.execute(text(f"PRAGMA cache_size={os.environ['CACHE']}"))
        result = import_file(session, shape, path, name=path.name, progress=progress)
    got["reactions peak"] = status_mb("VmHWM")
    got["s"] = time.perf_counter() - start
    got["rows"] = result.cases or result.exposures
    print(json.dumps(got))


def run_child(shape: Shape, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", shape.value, "--file", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(done.stderr)
    out = done.stdout
    got: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    got["file"] = path.stat().st_size / MB
    got["import"] = got["import peak"] - got["before"]
    got["with reactions"] = max(got["import peak"], got["reactions peak"]) - got["before"]
    got["reactions"] = got["reactions peak"] - got["at done"]
    return got


def measure(rows: int, seed: int, folder: Path) -> dict[Shape, dict[str, float]]:
    """A fresh database; a cases list of ``rows`` then an exposures list, each imported in
    a child process of its own."""
    get_engine().dispose()  # SQLite: the last size's file is deleted and made again
    get_engine.cache_clear()
    url = get_settings().database_url
    if url.startswith("sqlite"):
        for suffix in ("-wal", "-shm"):
            Path(url.split("///", 1)[1] + suffix).unlink(missing_ok=True)
    with fresh_database():
        upgrade()
        with session_scope() as session:
            load_city(session)
        with session_scope() as session:
            wards = [u.code for u in session.query(AdminUnit).filter_by(level="ward")]
        rng = random.Random(seed)
        cases, exposures = folder / f"cases-{rows}.csv", folder / f"exposures-{rows}.csv"
        cases.write_bytes(cases_csv(rows, wards, rng))
        exposures.write_bytes(exposures_csv(rows, rows, wards, rng))
        try:
            return {
                shape: run_child(shape, path)
                for shape, path in ((Shape.cases, cases), (Shape.exposures, exposures))
            }
        finally:
            cases.unlink()
            exposures.unlink()


def show(shape: Shape, got: dict[str, float]) -> None:
    print(
        f"{shape.value:<9} {int(got['rows']):>8,} rows, file {got['file']:5.1f} MB | import "
        f"{got['import']:6.1f} MB ({got['import'] / got['file']:4.1f} × the file) | with the "
        f"reactions {got['with reactions']:6.1f} MB (the reactions alone {got['reactions']:6.1f}"
        f" MB) | {got['s import']:.1f} s + {got['s'] - got['s import']:.1f} s reactions"
    )
    print(
        f"{'':<9} import, sampled: private {got['anon'] - got['anon before']:.1f} MB, the "
        f"database's pages mapped {got['file-backed'] - got['file before']:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[25_000, 100_000])
    parser.add_argument("--seed", type=int, default=20200306)
    parser.add_argument("--folder", type=Path, default=Path("/tmp"))
    parser.add_argument("--child", choices=[s.value for s in Shape], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Shape(args.child), args.file)
        return
    runs = {rows: measure(rows, args.seed, args.folder) for rows in sorted(args.rows)}
    for shapes in runs.values():
        for shape, got in shapes.items():
            show(shape, got)
    if len(runs) < 2:
        return
    small, large = runs[min(runs)], runs[max(runs)]
    for shape in Shape:
        a, b = small[shape], large[shape]
        files = b["file"] - a["file"]
        print(
            f"slope, {shape.value}: import {(b['import'] - a['import']) / files:.2f}, with the "
            f"reactions {(b['with reactions'] - a['with reactions']) / files:.2f} "
            "(MB of peak per MB of file; goal < 2)"
        )


if __name__ == "__main__":
    main()
