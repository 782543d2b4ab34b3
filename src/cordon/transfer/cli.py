"""``cordon import`` and ``cordon export``: line lists in and out, from the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cordon.cases.enums import CaseStatus
from cordon.cli.output import console, err_console, user_errors
from cordon.core.db import session_scope
from cordon.core.errors import InvalidInput
from cordon.transfer import export, service
from cordon.transfer.columns import Shape
from cordon.transfer.rows import Progress as Progress_

SHOWN = 50

Kind = Annotated[Shape, typer.Argument(help="What the file lists: cases or exposures.")]


@contextmanager
def progress_bar() -> Iterator[Progress_]:
    """A Rich progress bar on stderr with one line per phase (reading, validating, writing)."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:

        def report(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                for task in tasks.values():
                    bar.update(
                        task, completed=bar.tasks[task].total or 1, total=bar.tasks[task].total or 1
                    )
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report


def print_problems(exc: InvalidInput) -> None:
    table = Table("row", "column", "problem", title=exc.detail, title_justify="left")
    for p in exc.problems[:SHOWN]:
        table.add_row("" if p.row is None else str(p.row), p.field, p.message)
    err_console.print(table)
    if len(exc.problems) > SHOWN:
        err_console.print(f"… and {len(exc.problems) - SHOWN} more problems.")


def import_command(
    kind: Kind,
    file: Annotated[
        Path, typer.Argument(help="The line list: CSV (UTF-8) or XLSX.", dir_okay=False)
    ],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="TOML file mapping the file's columns and values."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row, write nothing.")
    ] = False,
) -> None:
    """Import a cases line list or an exposures list: every row valid, or nothing written."""
    with user_errors():
        try:
            with progress_bar() as report, session_scope() as session:
                result = service.import_file(
                    session,
                    kind,
                    file,
                    name=file.name,
                    mapping=mapping,
                    dry_run=dry_run,
                    progress=report,
                )
        except InvalidInput as exc:
            print_problems(exc)
            raise typer.Exit(1) from None
    _print_result(result)


def _print_result(result: service.ImportResult) -> None:
    verb = "Checked (dry run, nothing written)" if result.dry_run else "Imported"
    written = (
        f"{result.cases:,} cases, {result.sources:,} sources"
        if result.kind is Shape.cases
        else f"{result.exposures:,} exposures"
    )
    console.print(
        f"{verb} {result.file}: {result.rows:,} rows → {written}; "
        f"{result.people_created:,} new people, {result.people_reused:,} already registered."
    )
    if result.ignored_columns:
        console.print(f"Columns not used: {', '.join(result.ignored_columns)}.")


def export_command(
    kind: Kind,
    file: Annotated[Path, typer.Argument(help="Where to write: FILE.csv or FILE.xlsx.")],
    status: Annotated[
        list[CaseStatus] | None,
        typer.Option("--status", help="Only cases in this status (repeatable)."),
    ] = None,
    date_from: Annotated[
        dt.datetime | None,
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="Confirmed (cases) / exposed on or after."
        ),
    ] = None,
    date_to: Annotated[
        dt.datetime | None,
        typer.Option(
            "--to", formats=["%Y-%m-%d"], help="Confirmed (cases) / exposed on or before."
        ),
    ] = None,
) -> None:
    """Export cases or exposures in the import template's columns (CSV or XLSX)."""
    if file.suffix.lower() not in (".csv", ".xlsx"):
        err_console.print("[red]Error:[/red] the file name must end in .csv or .xlsx.")
        raise typer.Exit(1)
    filters = export.ExportFilter(
        tuple(status or ()),
        date_from.date() if date_from else None,
        date_to.date() if date_to else None,
    )
    with user_errors(), session_scope() as session:
        count = export.export_file(session, kind, file, filters)
    console.print(f"Exported {count:,} {kind.value} to {file}.")
