"""``cordon calibrate``: fit a scenario's transmission (and, if asked, its start date) to an
observed daily case series (``cordon.sim.calibrate``; docs/simulation.md, "Calibration")."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cordon.cli.output import console, user_errors
from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.scenarios.cli import check_out, refused
from cordon.sim.calibrate import (
    CALIBRATION_METRICS,
    LOCAL,
    Fit,
    Observed,
    ObservedError,
    Search,
    read_observed,
)
from cordon.sim.calibrate import calibrate as fit_scenario
from cordon.sim.scenario import Scenario, ScenarioError, load_scenario

ScenarioFile = Annotated[Path, typer.Argument(metavar="SCENARIO.toml", help="The scenario to fit.")]
ObservedFile = Annotated[
    Path, typer.Option(help="CSV file of the observed series: a date column, one row a day.")
]
Metric = Annotated[
    str, typer.Option(help=f"What the counts are, in the model: {', '.join(CALIBRATION_METRICS)}.")
]
First = Annotated[
    dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day fitted.")
]
Last = Annotated[
    dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day fitted.")
]
Refine = Annotated[int, typer.Option(min=0, max=100, help="Values tried next, around the best.")]
ShiftDays = Annotated[
    int, typer.Option(min=0, max=365, help="Also move the start up to this many days.")
]
FinalRuns = Annotated[
    int, typer.Option(min=1, max=1000, help="Seeds of the best, for its goodness of fit.")
]
Workers = Annotated[
    int | None, typer.Option(min=1, help="Processes on this machine (default: one a core).")
]


def calibrate_command(
    file: ScenarioFile,
    observed: ObservedFile,
    out: Annotated[Path, typer.Option(help="Folder for the results (created).")],
    column: Annotated[str, typer.Option(help="The observed counts' column.")] = "cases",
    metric: Metric = LOCAL,
    first: First = None,
    last: Last = None,
    low: Annotated[float, typer.Option(min=0.01, help="Lowest beta, times the scenario's.")] = 0.5,
    high: Annotated[float, typer.Option(help="Highest beta, times the scenario's.")] = 2.0,
    points: Annotated[int, typer.Option(min=3, max=100, help="Values of beta first tried.")] = 9,
    refine: Refine = 6,
    shift_days: ShiftDays = 0,
    shift_step: Annotated[int, typer.Option(min=1, max=365, help="In steps of days.")] = 7,
    runs: Annotated[int, typer.Option(min=1, max=1000, help="Seeds for each candidate.")] = 4,
    final_runs: FinalRuns = 20,
    bin_days: Annotated[int, typer.Option(min=1, max=365, help="Days summed per bin.")] = 7,
    workers: Workers = None,
) -> None:
    """Fit a scenario's transmission rate beta (and, with --shift-days, its start date) to an
    observed daily series: candidates.csv, fit.csv, a plot and the goodness of fit."""
    search = Search(
        metric=metric, low=low, high=high, points=points, refine=refine, shift_days=shift_days,
        shift_step=shift_step, runs=runs, final_runs=final_runs, bin_days=bin_days,
    )  # fmt: skip
    with user_errors():
        try:
            scenario = load_scenario(file)
        except ScenarioError as error:
            raise refused(file, error) from None
        check_out(out)
        try:
            series = read_observed(observed, column, _day(first), _day(last))
            fit = _fit(scenario, series, search, workers)
        except ObservedError as error:
            raise _not_fitted(observed, error) from None
        except ScenarioError as error:
            raise refused(file, error) from None
    written = _write(out, fit)
    console.print(_table(fit))
    console.print(
        f"Put in the scenario: [disease] beta = {fit.best.beta:.4g}"
        + (f" and start = {fit.best.start}" if shift_days else ""),
        markup=False,
    )
    console.print(f"Written to {out}: {', '.join(p.name for p in written)}")


def _fit(scenario: Scenario, series: Observed, search: Search, workers: int | None) -> Fit:
    """The calibration, with a progress bar of its runs."""
    columns = (TextColumn("calibrating"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("calibrating")
        return fit_scenario(
            scenario, series, search, workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _not_fitted(observed: Path, error: ObservedError) -> InvalidInput:
    problems = [FieldProblem(where, what) for where, what in error.problems]
    return InvalidInput.of(N_("%(file)s cannot be fitted"), problems, file=str(observed))


def _write(out: Path, fit: Fit) -> list[Path]:
    from cordon.sim import plots  # matplotlib loads only to draw

    out.mkdir(parents=True, exist_ok=True)
    with (out / "candidates.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["beta", "shift_days", "start", "deviance"])
        for c in sorted(fit.candidates, key=lambda c: (c.shift, c.beta)):
            writer.writerow([f"{c.beta:.6g}", c.shift, c.start.isoformat(), f"{c.deviance:.3f}"])
    with (out / "fit.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["bin_last_day", "observed", "fitted_p05", "fitted_median", "fitted_p95"])
        for b, day in enumerate(fit.bins):
            low, mid, high = fit.fitted[:, b]
            writer.writerow(
                [day.isoformat(), f"{fit.observed_bins[b]:g}", f"{low:.1f}", f"{mid:.1f}",
                 f"{high:.1f}"]
            )  # fmt: skip
    pictures = plots.fitted(fit, out / "fit")
    return [out / "candidates.csv", out / "fit.csv", *pictures]


def _table(fit: Fit) -> Table:
    low, high = fit.beta_interval
    table = Table(title=f"Fit to {fit.observed.name}, {fit.observed.start} – {fit.observed.end}")
    table.add_column("")
    table.add_column("")
    table.add_row("beta", f"{fit.best.beta:.4g} (95%: {low:.4g}–{high:.4g})")
    if fit.search.shift_days:
        table.add_row("start", f"{fit.best.start} (moved {fit.best.shift:+d} days)")
    table.add_row("bins", f"{len(fit.bins)} of {fit.search.bin_days} days")
    table.add_row("deviance", f"{fit.deviance:.1f} (dispersion {fit.dispersion:.2f})")
    table.add_row("pseudo-R²", f"{fit.pseudo_r2:.2f}")
    table.add_row("bins inside the 90% interval", f"{fit.in_band:.0%}")
    table.add_row("total observed / fitted", f"{fit.observed_total:,.0f} / {fit.fitted_total:,.0f}")
    if fit.at_edge:
        table.add_row("note", "the best beta is at the edge of the search: widen --low/--high")
    return table
