import typer

app = typer.Typer(help="Cases: list, show, change status.", no_args_is_help=True)
