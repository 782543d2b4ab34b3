from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cordon.cli.output import console, user_errors
from cordon.core.db import session_scope
from cordon.geography import service

app = typer.Typer(help="Administrative units: city → district → ward.", no_args_is_help=True)


@app.command("load")
def load(
    directory: Annotated[
        Path, typer.Argument(help="Folder with city.csv, districts.csv and wards.csv.")
    ] = service.HANOI,
) -> None:
    """Load a city's districts and wards (Hanoi 2020 by default)."""
    with user_errors(), session_scope() as session:
        result = service.load_city(session, directory)
    console.print(
        f"Loaded {result.city}: {result.districts} districts, {result.wards} wards, "
        f"population {result.population:,}."
    )
