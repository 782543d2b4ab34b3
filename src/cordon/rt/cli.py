"""``cordon rt``: the reproduction number over sliding windows, from the registry or a CSV
file, as a table, JSON or a picture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cordon.cli.output import console, print_json, user_errors
from cordon.core.db import session_scope
from cordon.core.errors import N_, InvalidInput
from cordon.rt import estimate as rt
from cordon.rt import serial_interval, series, service
from cordon.rt.enums import DateBasis

DATE = ["%Y-%m-%d"]


def _si(
    mean: float | None, sd: float | None, si_file: Path | None
) -> serial_interval.SerialInterval:
    if si_file is not None:
        if mean is not None or sd is not None:
            raise InvalidInput.on("si_file", N_("give a file or a mean and SD, not both"))
        return series.read_serial_interval(si_file)
    return serial_interval.parametric(
        serial_interval.COVID19_MEAN if mean is None else mean,
        serial_interval.COVID19_SD if sd is None else sd,
    )


def _check_plot(path: Path) -> None:
    if path.suffix.lower() not in (".png", ".svg"):
        raise InvalidInput.on("plot", N_("must end in .png or .svg, got %(name)s"), name=path.name)
    if not path.parent.is_dir():
        raise InvalidInput.on("plot", N_("no folder %(dir)s"), dir=str(path.parent))


def _incidence(
    csv: Path | None,
    area: str | None,
    since: dt.date | None,
    until: dt.date | None,
    date: DateBasis,
) -> tuple[rt.Incidence, str]:
    if csv is not None:
        if area is not None:
            raise InvalidInput.on("area", N_("the registry's areas are not in a CSV file"))
        return series.read_incidence(csv).between(since, until), csv.name
    with session_scope() as session:
        found = service.incidence(session, area=area, since=since, until=until, basis=date)
    return found, f"area {area}" if area else "the city"


def _table(estimates: list[rt.WindowEstimate], last: int) -> Table:
    table = Table("window ends", "local", "imported", "Rt", "95% CrI", "CV")
    for e in estimates[-last:]:
        table.add_row(
            str(e.end),
            str(e.local),
            str(e.imported),
            f"{e.mean:.2f}",
            f"{e.lower:.2f} – {e.upper:.2f}",
            f"{e.cv:.2f}" if e.reliable else f"[yellow]{e.cv:.2f} few cases[/yellow]",
        )
    return table


Area = Annotated[
    str | None, typer.Option(help="District (or ward) code, e.g. 001; default the city.")
]
Since = Annotated[
    dt.datetime | None, typer.Option(formats=DATE, help="First day (default: first case).")
]
Until = Annotated[
    dt.datetime | None, typer.Option(formats=DATE, help="Last day (default: last case).")
]
Basis = Annotated[
    DateBasis,
    typer.Option(help="Day a case counts on: onset (else sample, else confirmation) or confirmed."),
]
SiMean = Annotated[float | None, typer.Option(help="Serial interval mean, days (default 4.7).")]
SiSd = Annotated[float | None, typer.Option(help="Serial interval SD, days (default 2.9).")]
SiFile = Annotated[
    Path | None, typer.Option(help="Serial interval as a CSV file: day,weight from day 0.")
]
CsvFile = Annotated[
    Path | None, typer.Option("--csv", help="Read date,local,imported from this file.")
]
PlotFile = Annotated[
    Path | None, typer.Option("--plot", help="Draw cases and Rt to this .png or .svg.")
]


def rt_command(
    area: Area = None,
    since: Since = None,
    until: Until = None,
    date: Basis = DateBasis.onset,
    window: Annotated[int, typer.Option(help="Days in each sliding window.")] = rt.WINDOW,
    si_mean: SiMean = None,
    si_sd: SiSd = None,
    si_file: SiFile = None,
    prior_mean: Annotated[float, typer.Option(help="Prior mean of Rt.")] = rt.PRIOR_MEAN,
    prior_sd: Annotated[float, typer.Option(help="Prior SD of Rt.")] = rt.PRIOR_SD,
    csv: CsvFile = None,
    last: Annotated[int, typer.Option(min=1, help="Windows shown in the table.")] = 14,
    plot_file: PlotFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The effective reproduction number Rt (Cori et al. 2013) over sliding windows."""
    with user_errors():
        if plot_file is not None:
            _check_plot(plot_file)
        si = _si(si_mean, si_sd, si_file)
        prior = rt.Prior(prior_mean, prior_sd)
        day_from = since.date() if since else None
        day_to = until.date() if until else None
        incidence, label = _incidence(csv, area, day_from, day_to, date)
        estimates = rt.estimate(incidence, si, window=window, prior=prior)
        title = f"Rt of {label}: {window}-day windows, serial interval {si.source}"
        if plot_file is not None:
            from cordon.rt import plot  # matplotlib loads only to draw

            plot.draw(plot_file, incidence, estimates, title=title)
    if as_json:
        print_json(_json(incidence, estimates, si, window, prior, label))
        return
    _print(title, incidence, estimates, prior, last)
    if estimates and plot_file is not None:
        console.print(f"Plot written to {plot_file}")


def _print(
    title: str,
    incidence: rt.Incidence,
    estimates: list[rt.WindowEstimate],
    prior: rt.Prior,
    last: int,
) -> None:
    cases = sum(incidence.local) + sum(incidence.imported)
    console.print(f"[bold]{title}[/bold]")
    console.print(
        f"{incidence.start} – {incidence.day(incidence.days - 1)}: {cases} cases "
        f"({sum(incidence.imported)} imported); prior mean {prior.mean}, SD {prior.sd}"
    )
    if not estimates:
        console.print("No window: the series is too short for the serial interval.")
        return
    console.print(_table(estimates, last))


def _json(
    incidence: rt.Incidence,
    estimates: list[rt.WindowEstimate],
    si: serial_interval.SerialInterval,
    window: int,
    prior: rt.Prior,
    label: str,
) -> dict[str, Any]:
    return {
        "of": label,
        "window": window,
        "serial_interval": {"source": si.source, "mean": si.mean, "sd": si.sd},
        "prior": {"mean": prior.mean, "sd": prior.sd},
        "incidence": [
            {"date": incidence.day(i).isoformat(), "local": n, "imported": m}
            for i, (n, m) in enumerate(zip(incidence.local, incidence.imported, strict=True))
        ],
        "estimates": [e.as_dict() for e in estimates],
    }
