import typer

app = typer.Typer(
    help="Demo data: Vietnam's real first wave, or a synthetic city.", no_args_is_help=True
)
