from __future__ import annotations

import typer

from cordon.cli.output import console
from cordon.core import migrate

app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Revision to upgrade to.")) -> None:
    """Create or upgrade the schema to the latest migration."""
    migrate.upgrade(revision=revision)
    console.print(f"[green]Database upgraded to {revision}.[/green]")


@app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Revision to go back to ('base' = empty)."),
) -> None:
    """Undo migrations down to REVISION."""
    migrate.downgrade(revision=revision)
    console.print(f"Database downgraded to {revision}.")
