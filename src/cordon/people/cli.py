import typer

app = typer.Typer(help="People: search, show, merge duplicates.", no_args_is_help=True)
