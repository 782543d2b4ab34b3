"""Console output shared by CLI commands: Rich for people, JSON for machines, errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from cordon.core.errors import CordonError

console = Console()
err_console = Console(stderr=True)

T = TypeVar("T")
# An item of a listing: an API schema (``XOut``), or a plain dict where the API has none.
Item = TypeVar("Item", bound=BaseModel | Mapping[str, Any])

# ``--json``: a command's output for machines instead of a table for people.
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_listing(
    items: Sequence[Item],
    total: int,
    noun: str,
    *,
    as_json: bool,
    columns: Mapping[str, Callable[[Item], str]],
    also: Mapping[str, Any] | None = None,
) -> None:
    """A listing: ``{"total": …, "items": …}`` for ``--json`` (an item in the API's own shape,
    ``also`` added beside the total), or a table of ``columns`` (heading: the cell of an item)
    and the line "``total`` ``noun``."."""
    if as_json:
        shown = [
            i.model_dump(mode="json", by_alias=True) if isinstance(i, BaseModel) else i
            for i in items
        ]
        print_json({"total": total, "items": shown, **(also or {})})
        return
    table = Table(*columns)
    for item in items:
        table.add_row(*(cell(item) for cell in columns.values()))
    console.print(table)
    console.print(f"{total:,} {noun}.")


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
