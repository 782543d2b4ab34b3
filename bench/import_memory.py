"""Benchmark: peak memory of a line-list import against the size of its file.

    CORDON_DATABASE_URL=sqlite:////tmp/imp/bench-memory.db .venv/bin/python \
        bench/import_memory.py --rows 100000

A cases list of ``--rows`` rows (bench/import_linelist.py's generator) is written to a file,
then imported from that file — as the CLI and the web page do — with ``--dry-run`` by
default off. The import runs in a fresh child process: its peak resident memory
(``ru_maxrss``) less what it held before the import (the app, the city's wards) is the
import's own. Goal (issue 17 §2): < 2 × the file's size plus a constant.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from cordon.core.db import session_scope
from cordon.core.migrate import upgrade
from cordon.geography.models import AdminUnit
from cordon.geography.service import load_city
from cordon.transfer.columns import Shape
from cordon.transfer.service import import_file
from import_linelist import cases_csv, fresh_database


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(path: Path) -> None:
    """Import ``path`` in this process; print the peak memory before and after as JSON."""
    with session_scope() as session:
        session.query(AdminUnit).count()  # the app and its connection loaded
    before = rss_mb()
    phases: dict[str, float] = {}

    def progress(phase: str, _done: int, _total: int | None) -> None:
        phases[phase] = rss_mb()  # the peak so far when the phase is reached (or goes on)

    start = time.perf_counter()
    with session_scope() as session:
        result = import_file(session, Shape.cases, path, name=path.name, progress=progress)
    seconds = time.perf_counter() - start
    peak = rss_mb()
    got = {"before": before, "peak": peak, "rows": result.cases, "s": seconds, **phases}
    print(json.dumps(got))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20200306)
    parser.add_argument("--file", type=Path, default=Path("/tmp/cordon-bench-memory.csv"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.file)
        return
    with fresh_database():
        upgrade()
        with session_scope() as session:
            load_city(session)
        with session_scope() as session:
            wards = [u.code for u in session.query(AdminUnit).filter_by(level="ward")]
        args.file.write_bytes(cases_csv(args.rows, wards, random.Random(args.seed)))
        size = args.file.stat().st_size / 2**20
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--file", str(args.file)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        args.file.unlink()
    got = json.loads(out.strip().splitlines()[-1])
    used = got["peak"] - got["before"]
    print(
        f"cases {got['rows']:,} rows, file {size:.1f} MB | peak {got['peak']:.0f} MB, before "
        f"{got['before']:.0f} MB | the import's own {used:.0f} MB = {used / size:.1f} × the file"
        f" | {got['s']:.1f} s"
    )
    shown = ("validating", "checking", "writing people", "done")
    print(
        "peak so far (MB, less before) at: "
        + ", ".join(f"{p} {got[p] - got['before']:.0f}" for p in shown if p in got)
        + " — after 'done': the tier engine's pass on RegistryLoaded, in the same process"
    )


if __name__ == "__main__":
    main()
