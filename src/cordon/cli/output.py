"""Console output shared by CLI commands: Rich for people, JSON for machines, errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from cordon.core.errors import CordonError

console = Console()
err_console = Console(stderr=True)

T = TypeVar("T")

# ``--json``: a command's output for machines instead of a table for people.
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a domain error into a clear message on stderr and exit code 1 — no stack trace."""
    try:
        yield
    except CordonError as exc:
        err_console.print(f"[red]Error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None


def run(fn: Callable[[], T]) -> T:
    with user_errors():
        return fn()
