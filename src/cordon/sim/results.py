"""What a run gives: daily figures per metric; an ensemble's medians and 90% intervals.

Counts are of simulated agents; ``scale`` (the city's people per agent) turns them into the
city's figures, which is what ``summary`` and the CSV files report.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

# metric → what it counts (docs/simulation.md keeps the same list; a test checks)
METRICS: dict[str, str] = {
    "infections": "new infections on the day",
    "confirmed": "new confirmed cases announced on the day",
    "confirmed_community": "of which found in the community",
    "confirmed_in_quarantine": "of which found while already in quarantine",
    "confirmed_imported": "of which arrivals from outside the city",
    "cases_in_care": "confirmed cases in hospital or a treatment facility",
    "quarantine_facility": "contacts and arrivals in a quarantine facility",
    "quarantine_home": "contacts quarantined at home",
    "hospital": "people needing a hospital bed (severe or critical)",
    "icu": "people needing intensive care (critical)",
    "deaths": "deaths on the day",
    "infectious": "people infectious on the day",
    "vaccinated": "people with at least one dose",
}
QUANTILES = (0.05, 0.5, 0.95)  # the 90% interval and the median


@dataclass(frozen=True)
class Run:
    """One stochastic run: ``daily[metric]`` holds one count per day, of agents."""

    seed: int
    daily: dict[str, npt.NDArray[np.int64]]
    agents: int
    scale: float  # the city's people per agent
    seconds: float = 0.0  # simulation time, without building the population
    build_seconds: float = 0.0
    peak_bytes: int = 0  # of the arrays the run held

    @property
    def agent_days(self) -> int:
        return self.agents * len(self.daily["infections"])


@dataclass
class Ensemble:
    """The runs of one scenario, seeds ``seed``, ``seed + 1``, … (common random numbers:
    run k of two scenarios shares its seed, so they differ only by their measures)."""

    name: str
    start: dt.date
    runs: list[Run] = field(default_factory=list)

    @property
    def days(self) -> int:
        return len(self.runs[0].daily["infections"]) if self.runs else 0

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=d) for d in range(self.days)]

    def matrix(self, metric: str) -> npt.NDArray[np.float64]:
        """Runs × days, in the city's people."""
        return np.array([r.daily[metric] * r.scale for r in self.runs], dtype=np.float64)

    def quantiles(self, metric: str) -> npt.NDArray[np.float64]:
        """3 × days: the 5th percentile, the median and the 95th percentile."""
        out: npt.NDArray[np.float64] = np.quantile(self.matrix(metric), QUANTILES, axis=0)
        return out

    def totals(self, metric: str) -> npt.NDArray[np.float64]:
        """The sum over the horizon, per run (for a daily count such as infections)."""
        out: npt.NDArray[np.float64] = self.matrix(metric).sum(axis=1)
        return out


def write_daily_csv(ensembles: Sequence[Ensemble], path: Path) -> None:
    """One row per scenario, day and metric: median and 90% interval, in the city's people."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["scenario", "date", "day", "metric", "p05", "median", "p95"])
        for ensemble in ensembles:
            for metric in METRICS:
                low, mid, high = ensemble.quantiles(metric)
                for day, date in enumerate(ensemble.dates()):
                    writer.writerow(
                        [
                            ensemble.name,
                            date.isoformat(),
                            day,
                            metric,
                            *_round(low[day], mid[day], high[day]),
                        ]
                    )


def _round(*values: float) -> Iterable[str]:
    return (f"{v:.1f}" for v in values)
