import typer

tiers_app = typer.Typer(help="The tier engine.", no_args_is_help=True)


def trace(person: int) -> None:
    """The tier tree around PERSON."""
