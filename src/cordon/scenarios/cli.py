"""``cordon simulate``: run scenario files through the outbreak simulator and compare them —
daily figures and a summary as CSV, a plot per metric, a table (docs/simulation.md)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from cordon.cli.output import console, user_errors
from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.sim.ensemble import run_ensemble
from cordon.sim.results import QUANTILES, Ensemble, write_daily_csv
from cordon.sim.scenario import Scenario, ScenarioError, load_scenario

TOTALS = ("infections", "confirmed", "deaths")  # summed over the horizon
PEAKS = (  # the highest day
    "hospital",
    "icu",
    "cases_in_care",
    "quarantine_facility",
    "quarantine_home",
)
FIGURES = [f"{m}_total" for m in TOTALS] + [f"{m}_peak" for m in PEAKS]
STATS = ("p05", "median", "p95")  # over the runs: the 90% interval and the median
Row = dict[str, str | int | float]  # a line of summary.csv
TABLE_TITLE = "Median (90% interval) over the runs, in the city's people"  # summary.csv
SUMMARY_COLUMNS = [
    "scenario",
    "runs",
    "agents",
    "people_per_agent",
    *(f"{figure}_{stat}" for figure in FIGURES for stat in STATS),
    "seconds_per_run",
    "agent_days_per_second",
]


def simulate_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="SCENARIO.toml...", help="Scenario files; several are compared side by side."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the results (created).")],
    runs: Annotated[
        int | None,
        typer.Option(min=1, max=1000, help="Runs of each scenario, instead of the files' own."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes on this machine (default: one a core).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on a Dask cluster: its scheduler, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help="First seed for every scenario, instead of the files' own."),
    ] = None,
) -> None:
    """Simulate an outbreak under each scenario file's measures, many runs each, and compare
    the scenarios: daily.csv, summary.csv, a plot per metric and a table."""
    with user_errors():
        scenarios = _load(files, runs=runs, seed=seed)
        _check(out, scheduler)
    ensembles = _run(files, scenarios, workers=workers, scheduler=scheduler)
    rows = summary(ensembles)
    pictures = _write(out, ensembles, rows, files)
    console.print(_table(rows))
    console.print(
        f"Written to {out}: daily.csv, summary.csv, {len(pictures)} plots in plots/, "
        f"the scenario files in scenarios/"
    )


def _write(
    out: Path, ensembles: Sequence[Ensemble], rows: Sequence[Row], files: Sequence[Path]
) -> list[Path]:
    from cordon.sim import plots  # matplotlib loads only to draw

    out.mkdir(parents=True, exist_ok=True)
    write_daily_csv(ensembles, out / "daily.csv")
    write_summary_csv(rows, out / "summary.csv")
    pictures = plots.compare_all(ensembles, out / "plots")
    (out / "scenarios").mkdir(exist_ok=True)
    for file in files:
        shutil.copyfile(file, out / "scenarios" / file.name)
    return pictures


def _load(files: Sequence[Path], *, runs: int | None, seed: int | None) -> list[Scenario]:
    """Every file checked before anything runs; the first bad one is refused, by field."""
    scenarios = []
    for file in files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as error:
            raise refused(file, error) from None
        given = {"runs": runs, "seed": seed}
        changes = {name: value for name, value in given.items() if value is not None}
        scenarios.append(scenario.model_copy(update=changes))
    _unique([s.name for s in scenarios], N_("two scenarios are named %(name)s"))
    _unique([f.name for f in files], N_("two scenario files are named %(name)s"))
    return scenarios


def refused(file: Path, error: ScenarioError) -> InvalidInput:
    problems = [
        FieldProblem("file" if where == str(file) else where, what)
        for where, what in error.problems
    ]
    return InvalidInput.of(N_("%(file)s is not a scenario that can run"), problems, file=str(file))


def _unique(names: list[str], template: str) -> None:
    for k, name in enumerate(names):
        if name in names[:k]:
            raise InvalidInput.of(template, name=name)


def check_out(out: Path) -> None:
    """``--out`` must be a folder (made if missing), not a file."""
    if out.exists() and not out.is_dir():
        raise InvalidInput.of(N_("--out: %(path)s is a file, not a folder"), path=str(out))


def _check(out: Path, scheduler: str | None) -> None:
    check_out(out)
    if scheduler is not None:
        address = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
        try:
            port = address.port
        except ValueError:
            port = None
        if not address.hostname or port is None:
            raise InvalidInput.of(
                N_("--scheduler: %(address)s is not an address such as tcp://10.0.0.5:8786"),
                address=scheduler,
            )


def _run(
    files: Sequence[Path],
    scenarios: Sequence[Scenario],
    *,
    workers: int | None,
    scheduler: str | None,
) -> list[Ensemble]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    ensembles = []
    with user_errors(), Progress(*columns, console=console) as bar:  # the bar ends, then errors
        tasks = [bar.add_task(s.name, total=s.runs) for s in scenarios]
        for file, scenario, task in zip(files, scenarios, tasks, strict=True):
            try:
                ensembles.append(_ensemble(scenario, workers, scheduler, _advance(bar, task)))
            except ScenarioError as error:  # found as it runs (a district the city lacks)
                raise refused(file, error) from None
    return ensembles


def _ensemble(
    scenario: Scenario,
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int, int], None],
) -> Ensemble:
    try:
        return run_ensemble(scenario, workers=workers, scheduler=scheduler, progress=progress)
    except OSError as error:
        if scheduler is None:
            raise
        raise InvalidInput.of(
            N_("the Dask cluster at %(address)s failed: %(error)s"),
            address=scheduler,
            error=str(error),
        ) from None


def _advance(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return advance


def summary(ensembles: Sequence[Ensemble]) -> list[Row]:
    """One row a scenario: each figure's median and 90% interval over the runs, in the city's
    people, and how long the runs took."""
    rows: list[Row] = []
    for ensemble in ensembles:
        row: Row = {
            "scenario": ensemble.name,
            "runs": len(ensemble.runs),
            "agents": ensemble.runs[0].agents,
            "people_per_agent": round(ensemble.runs[0].scale, 3),
        }
        for metric in TOTALS:
            row.update(_stats(f"{metric}_total", ensemble.totals(metric)))
        for metric in PEAKS:
            row.update(_stats(f"{metric}_peak", ensemble.matrix(metric).max(axis=1)))
        seconds = sum(r.seconds for r in ensemble.runs)
        row["seconds_per_run"] = round(seconds / len(ensemble.runs), 3)
        agent_days = sum(r.agent_days for r in ensemble.runs)
        row["agent_days_per_second"] = round(agent_days / seconds) if seconds > 0 else 0
        rows.append(row)
    return rows


def _stats(figure: str, per_run: npt.NDArray[np.float64]) -> dict[str, float]:
    values = np.quantile(per_run, QUANTILES)
    return {f"{figure}_{stat}": round(float(v), 1) for stat, v in zip(STATS, values, strict=True)}


def write_summary_csv(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _table(rows: Sequence[Row]) -> Table:
    """Scenarios as columns (a few fit a terminal side by side), figures as rows."""
    table = Table(title=TABLE_TITLE)
    table.add_column("", max_width=12)
    for row in rows:
        table.add_column(str(row["scenario"]), overflow="fold")  # never "…" for a digit
    for figure in FIGURES:
        metric, what = figure.rsplit("_", 1)
        label = f"{metric} {what}".replace("_", " ").replace("icu", "ICU")
        table.add_row(label, *(_interval(row, figure) for row in rows))
    table.add_row("runs × agents", *(f"{row['runs']} × {row['agents']:,}" for row in rows))
    table.add_row("seconds a run", *(f"{row['seconds_per_run']:,.1f}" for row in rows))
    return table


def _interval(row: Row, figure: str) -> str:
    low, mid, high = (_short(float(row[f"{figure}_{stat}"])) for stat in STATS)
    return f"{mid}\n({low}–{high})"


def _short(value: float) -> str:
    """Three digits, for the table (summary.csv has them all): 950, 12.5k, 6.01M."""
    if value >= 1e6:
        return f"{value / 1e6:.3g}M"
    if value >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:,.0f}"
