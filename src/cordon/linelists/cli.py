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
from cordon.linelists import export, service
from cordon.linelists.columns import Shape
from cordon.linelists.reports import Report
from cordon.linelists.rows import Progress as Progress_

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
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors", help="Write every problem (row, column, value, message) to this CSV."
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows; write the others, with an error column, to "
            "FILE-rejected.csv (or --rejected).",
        ),
    ] = False,
    rejected: Annotated[
        Path | None,
        typer.Option("--rejected", help="Where --skip-invalid writes the rows left out."),
    ] = None,
) -> None:
    """Import a cases line list or an exposures list: every row valid, or nothing written
    (with --skip-invalid: the valid rows, and the others to a file to fix and import again)."""
    report = Report()
    with user_errors():
        try:
            with progress_bar() as progress, session_scope() as session:
                result = service.import_file(
                    session,
                    kind,
                    file,
                    name=file.name,
                    mapping=mapping,
                    dry_run=dry_run,
                    progress=progress,
                    skip_invalid=skip_invalid,
                    report=report,
                )
        except InvalidInput as exc:
            print_problems(exc)
            _write_errors(report, errors)
            raise typer.Exit(1) from None
    _write_errors(report, errors)
    _print_result(result)
    if result.rejected_rows:
        out = rejected or file.with_name(f"{file.stem}-rejected.csv")
        out.write_bytes(report.rejected_csv())
        console.print(f"{result.rejected_rows:,} rows left out, written to {out}.")


def _write_errors(report: Report, path: Path | None) -> None:
    if path is not None:
        path.write_bytes(report.errors_csv())
        err_console.print(f"{report.error_count:,} problems written to {path}.")


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
    if result.encoding != "UTF-8" or result.header_line != 1:
        console.print(f"Read as {result.encoding}; header on line {result.header_line}.")
    for column, count in result.catch_all.items():
        console.print(f"{column}: {count:,} cells not readable, taken by the catch-all.")
    if result.clusters_created or result.cluster_members:
        console.print(
            f"Clusters: {result.clusters_created:,} new, {result.cluster_members:,} members."
        )
    if result.warnings:
        console.print(f"{result.warning_count:,} dates to review (kept with the cases):")
        for w in result.warnings[:SHOWN]:
            console.print(f"  row {w.row}, {w.field}: {w.message}")


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
