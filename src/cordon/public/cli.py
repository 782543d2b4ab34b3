from __future__ import annotations

import typer

from cordon.cli.output import console
from cordon.core.db import session_scope
from cordon.public import counts

app = typer.Typer(help="What the public is told: the daily counts.", no_args_is_help=True)


@app.command("recount")
def recount() -> None:
    """Count the whole city again from the registry (after an upgrade, or a repair)."""
    with session_scope() as session:
        counts.recount(session)
        session.commit()
        version, _ = counts.freshness(session)
    console.print(f"Public counts recounted (version {version}).")
