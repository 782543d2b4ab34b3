"""Benchmark of the dashboard's map and charts (issue 6): how long drawing them takes.

    .venv/bin/python bench/charts.py [--runs 200]

The Hanoi boundaries are read and projected once (timed on their own: the first load of a
process); then the map of the 30 districts, an epidemic curve of a year (365 days, three
stacks) and an Rt chart of a year (with gaps) are each drawn ``--runs`` times. Prints one
JSON line per measure (milliseconds); goal: the map well under 50 ms after the first load.
No database: the numbers are made up here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import random
import statistics
import time
from collections.abc import Callable

from cordon.charts import HANOI_2020_ATTRIBUTION, district_map, epidemic_curve, load_shapes
from cordon.charts.series import rt_chart
from cordon.charts.svg import OKABE_ITO


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _report(name: str, samples: list[float], size: int) -> None:
    ordered = sorted(samples)
    print(
        json.dumps(
            {
                "measure": name,
                "runs": len(samples),
                "p50_ms": round(statistics.median(ordered), 3),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
                "max_ms": round(ordered[-1], 3),
                "svg_bytes": size,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2021)
    first = _ms(load_shapes)
    print(json.dumps({"measure": "first load (read + project)", "ms": round(first, 1)}))
    shapes = load_shapes()
    values = {s.code: rng.choice([None, 0, 0.5, 3, 8, 15, 40]) for s in shapes.districts}

    def draw_map() -> str:
        return district_map(
            load_shapes(), values, title="Ca mắc trên 100.000 dân, 7 ngày qua",
            legend_title="Ca trên 100.000 dân", attribution=HANOI_2020_ATTRIBUTION,
            no_data_label="không có số liệu",
        )  # fmt: skip

    days = [dt.date(2020, 7, 1) + dt.timedelta(days=i) for i in range(365)]
    keys = ("community", "imported", "quarantine")
    stacks = {k: [max(0, int(rng.gauss(8, 6))) for _ in days] for k in keys}

    def draw_curve() -> str:
        return epidemic_curve(
            days, stacks, colours=dict(zip(keys, OKABE_ITO, strict=False)),
            labels={k: k for k in keys}, title="Ca mắc mới theo ngày", y_label="Ca mỗi ngày",
        )  # fmt: skip

    mean = [None if i % 50 < 3 else 1 + 0.5 * math.sin(i / 20) for i in range(365)]
    lower = [None if m is None else 0.8 * m for m in mean]
    upper = [None if m is None else 1.25 * m for m in mean]

    def draw_rt() -> str:
        return rt_chart(days, mean, lower, upper, title="Rt")

    for name, draw in (("map", draw_map), ("epidemic curve", draw_curve), ("rt", draw_rt)):
        size = len(draw())  # warm
        _report(name, [_ms(draw) for _ in range(args.runs)], size)
    print(json.dumps({"machine": f"{platform.python_version()} {platform.machine()}"}))


if __name__ == "__main__":
    main()
