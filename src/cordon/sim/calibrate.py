"""Calibration: the transmission rate ``beta`` (and, if asked, the start date) that make a
scenario's runs follow an observed daily case series best.

The method (docs/simulation.md, "Calibration"):

1. The observed counts and the runs' daily ``metric`` are summed in bins of ``bin_days``
   days ending on the last observed day (weekly bins remove the weekday rhythm of reporting).
2. Each candidate — ``beta`` on a grid spaced by ratio around the scenario's own value, times
   each start shift — is run with the same seeds (common random numbers: candidates differ by
   their parameters alone), and scored by the Poisson deviance of the observed bins from the
   mean of its runs.
3. A finer grid between the best coarse value's neighbours, at the best shift, follows.
4. The best candidate is the one of least deviance. Its interval is the profile-likelihood
   one: every ``beta`` of the best shift whose deviance is within 3.84 × the dispersion
   (the deviance of the best over its degrees of freedom, at least 1: quasi-Poisson) of the
   best — about 95% for one parameter.
5. Goodness of fit: the deviance, the dispersion, the share of the null deviance explained
   (pseudo-R²), the share of observed bins inside the 90% interval of the runs, and the
   observed and fitted totals.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cordon.sim.disease import BETA, disease_for
from cordon.sim.ensemble import run_ensembles
from cordon.sim.results import METRICS, QUANTILES, Ensemble
from cordon.sim.scenario import Scenario

LOCAL = "confirmed_local"  # confirmed cases that did not arrive from outside the city
CALIBRATION_METRICS = (LOCAL, *METRICS)
FLOOR = 0.1  # a bin's expected count at least this, so that a miss costs much but not ∞
CHI2_95 = 3.841  # the 95% quantile of χ² with one degree of freedom
Progress = Callable[[int, int], None]  # (runs done, runs in all)


class ObservedError(ValueError):
    """An observed series that cannot be used: each problem as (where, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


@dataclass(frozen=True)
class Observed:
    """A daily series of counts from ``start``, one a day with none missing."""

    name: str
    start: dt.date
    counts: npt.NDArray[np.float64]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=len(self.counts) - 1)


@dataclass(frozen=True)
class Search:
    """What is tried: ``beta`` from ``low`` to ``high`` times the scenario's own on ``points``
    values spaced by ratio, then ``refine`` values between the best one's neighbours; the
    start moved by every multiple of ``shift_step`` days up to ``shift_days`` either way."""

    metric: str = LOCAL
    low: float = 0.5
    high: float = 2.0
    points: int = 9
    refine: int = 6
    shift_days: int = 0
    shift_step: int = 7
    runs: int = 4  # seeds per candidate
    final_runs: int = 20  # seeds of the best, for its interval and the goodness of fit
    bin_days: int = 7

    def problems(self) -> list[tuple[str, str]]:
        found = []
        if self.metric not in CALIBRATION_METRICS:
            found.append(("metric", f"one of {', '.join(CALIBRATION_METRICS)}"))
        if not 0 < self.low < self.high:
            found.append(("low", "must be above 0 and below high"))
        if self.points < 3:
            found.append(("points", "at least 3"))
        if self.refine < 0:
            found.append(("refine", "0 or more"))
        if self.shift_days < 0 or self.shift_step < 1:
            found.append(("shift_days", "0 or more days, in steps of at least one day"))
        if self.runs < 1 or self.final_runs < 1:
            found.append(("runs", "at least 1"))
        if self.bin_days < 1:
            found.append(("bin_days", "at least 1"))
        return found


@dataclass(frozen=True)
class Candidate:
    beta: float
    shift: int  # days the scenario's start moved (negative: earlier)
    start: dt.date
    deviance: float


@dataclass(frozen=True)
class Fit:
    observed: Observed
    search: Search
    candidates: list[Candidate]  # in the order they were run
    best: Candidate
    beta_interval: tuple[float, float]  # profile likelihood, about 95%
    at_edge: bool  # the best beta is the lowest or highest tried: widen the search
    bins: list[dt.date]  # the last day of each bin
    observed_bins: npt.NDArray[np.float64]
    fitted: npt.NDArray[np.float64]  # 3 × bins: 5th percentile, median, 95th of the runs
    deviance: float  # of the best, over its final runs
    dispersion: float
    pseudo_r2: float
    in_band: float  # share of observed bins inside the 90% interval of the runs
    observed_total: float
    fitted_total: float  # median over the runs
    ensemble: Ensemble  # the best candidate's final runs


def read_observed(path: Path | str, column: str, first: dt.date | None = None,
                  last: dt.date | None = None) -> Observed:  # fmt: skip
    """The ``column`` of a CSV file with a ``date`` column (ISO dates), one row a day."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            names = reader.fieldnames or []
            for needed in ("date", column):
                if needed not in names:
                    raise ObservedError([(str(path), f"has no column {needed!r}")])
            rows = list(reader)
    except OSError as error:
        raise ObservedError([(str(path), error.strerror or "cannot be read")]) from None
    days: list[dt.date] = []
    counts: list[float] = []
    for number, row in enumerate(rows, start=2):  # the header is line 1
        try:
            day = dt.date.fromisoformat(row["date"] or "")
        except ValueError:
            raise ObservedError([(f"line {number}, date", "not a date (YYYY-MM-DD)")]) from None
        try:
            count = float(row[column] or "")
        except ValueError:
            raise ObservedError([(f"line {number}, {column}", "not a number")]) from None
        if count < 0 or not np.isfinite(count):
            raise ObservedError([(f"line {number}, {column}", "must be 0 or more")])
        if days and day != days[-1] + dt.timedelta(days=1):
            raise ObservedError([(f"line {number}, date", "not the day after the line before")])
        days.append(day)
        counts.append(count)
    keep = [k for k, day in enumerate(days) if (first is None or day >= first)
            and (last is None or day <= last)]  # fmt: skip
    if len(keep) < 2:
        raise ObservedError([(str(path), "fewer than two days in the period")])
    return Observed(column, days[keep[0]], np.array([counts[k] for k in keep], dtype=np.float64))


def calibrate(scenario: Scenario, observed: Observed, search: Search = Search(), *,
              workers: int | None = None, progress: Progress | None = None) -> Fit:  # fmt: skip
    """The best ``beta`` and start for ``observed`` (module docstring: the method)."""
    problems = search.problems()
    if scenario.start + dt.timedelta(days=search.shift_days) > observed.end:
        problems.append(("start", "the scenario starts after the observed series ends"))
    if problems:
        raise ObservedError(problems)
    base = float(disease_for(scenario).values[BETA])
    shifts = list(range(-search.shift_days, search.shift_days + 1, search.shift_step))
    if 0 not in shifts:
        shifts = sorted({*shifts, 0})
    coarse = base * np.geomspace(search.low, search.high, search.points)
    runs_in_all = (len(coarse) * len(shifts) + search.refine) * search.runs + search.final_runs
    counter = _Counter(runs_in_all, progress)
    candidates = _score(scenario, observed, search, [(b, s) for s in shifts for b in coarse],
                        counter, workers)  # fmt: skip
    best = min(candidates, key=lambda c: c.deviance)
    k = int(np.argmin(np.abs(coarse - best.beta)))
    low, high = coarse[max(k - 1, 0)], coarse[min(k + 1, len(coarse) - 1)]
    between = np.geomspace(low, high, search.refine + 2)[1:-1]
    finer = [float(b) for b in between if not np.isclose(b, coarse).any()]
    candidates += _score(scenario, observed, search, [(b, best.shift) for b in finer],
                         counter, workers)  # fmt: skip
    best = min(candidates, key=lambda c: c.deviance)
    final = _candidate(scenario, observed, best.beta, best.shift, search.final_runs)
    (ensemble,) = run_ensembles([final], workers=workers, progress=counter.advance)
    return _fit(observed, search, candidates, best, ensemble, coarse)


def _fit(observed: Observed, search: Search, candidates: list[Candidate], best: Candidate,
         ensemble: Ensemble, coarse: npt.NDArray[np.float64]) -> Fit:  # fmt: skip
    y = binned(observed.counts, search.bin_days)
    daily = _aligned(ensemble, observed, search.metric)
    model = np.array([binned(row, search.bin_days) for row in daily])
    mean = model.mean(axis=0)
    free = 2 if search.shift_days else 1
    deviance = poisson_deviance(y, mean)
    dispersion = max(1.0, deviance / max(len(y) - free, 1))
    profile = [c for c in candidates if c.shift == best.shift]
    least = min(c.deviance for c in profile)
    near = [c.beta for c in profile if c.deviance <= least + CHI2_95 * dispersion]
    null = poisson_deviance(y, np.full(len(y), y.mean()))
    low, mid, high = np.quantile(model, QUANTILES, axis=0)
    bins = [observed.end - dt.timedelta(days=search.bin_days * (len(y) - 1 - b))
            for b in range(len(y))]  # fmt: skip
    return Fit(
        observed=observed,
        search=search,
        candidates=candidates,
        best=best,
        beta_interval=(min(near), max(near)),
        at_edge=bool(np.isclose(best.beta, coarse[0]) or np.isclose(best.beta, coarse[-1])),
        bins=bins,
        observed_bins=y,
        fitted=np.array([low, mid, high]),
        deviance=deviance,
        dispersion=dispersion,
        pseudo_r2=1.0 - deviance / null if null > 0 else 0.0,
        in_band=float(np.mean((y >= low) & (y <= high))),
        observed_total=float(y.sum()),
        fitted_total=float(np.median(model.sum(axis=1))),
        ensemble=ensemble,
    )


def _score(scenario: Scenario, observed: Observed, search: Search,
           points: Sequence[tuple[float, int]], counter: _Counter,
           workers: int | None) -> list[Candidate]:  # fmt: skip
    if not points:
        return []
    tried = [_candidate(scenario, observed, b, s, search.runs) for b, s in points]
    ensembles = run_ensembles(tried, workers=workers, progress=counter.advance)
    y = binned(observed.counts, search.bin_days)
    scored = []
    for (beta, shift), run, ensemble in zip(points, tried, ensembles, strict=True):
        model = _aligned(ensemble, observed, search.metric)
        mean = np.mean([binned(row, search.bin_days) for row in model], axis=0)
        scored.append(Candidate(float(beta), shift, run.start, poisson_deviance(y, mean)))
    counter.finish_batch()
    return scored


def _candidate(scenario: Scenario, observed: Observed, beta: float, shift: int,
               runs: int) -> Scenario:  # fmt: skip
    """The scenario with ``beta``, started ``shift`` days later, run to the observed end."""
    start = scenario.start + dt.timedelta(days=shift)
    disease = scenario.disease.model_copy(update={"beta": float(beta)})
    return scenario.model_copy(
        update={
            "start": start,
            "days": (observed.end - start).days + 1,
            "runs": runs,
            "disease": disease,
            "name": f"{scenario.name} (beta {beta:.4g}, start {start})",
        }
    )


def _aligned(ensemble: Ensemble, observed: Observed, metric: str) -> npt.NDArray[np.float64]:
    """Runs × observed days of ``metric``, in the city's people (0 before the run starts)."""
    if metric == LOCAL:
        values = ensemble.matrix("confirmed") - ensemble.matrix("confirmed_imported")
    else:
        values = ensemble.matrix(metric)
    offset = (observed.start - ensemble.start).days  # ≥ 0: the run started first
    out = np.zeros((len(values), len(observed.counts)))
    if offset >= 0:
        out[:] = values[:, offset : offset + len(observed.counts)]
    else:
        out[:, -offset:] = values[:, : len(observed.counts) + offset]
    return out


def binned(daily: npt.NDArray[np.float64], days: int) -> npt.NDArray[np.float64]:
    """Sums over bins of ``days`` days ending on the last day (the first bin may be short)."""
    ends = np.arange(len(daily), 0, -days)[::-1]
    starts = np.maximum(ends - days, 0)
    cumulative = np.concatenate([[0.0], np.cumsum(daily)])
    out: npt.NDArray[np.float64] = cumulative[ends] - cumulative[starts]
    return out


def poisson_deviance(observed: npt.NDArray[np.float64], expected: npt.NDArray[np.float64]) -> float:
    """2 Σ [y log(y / μ) − (y − μ)], with μ at least ``FLOOR``."""
    mu = np.maximum(expected, FLOOR)
    y = observed
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    return float(2.0 * terms.sum())


class _Counter:
    """One progress count over the whole calibration's runs."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress, self.before, self.batch = total, progress, 0, 0

    def advance(self, done: int, _in_batch: int) -> None:
        self.batch = done
        if self.progress is not None:
            self.progress(self.before + done, self.total)

    def finish_batch(self) -> None:
        self.before += self.batch
        self.batch = 0
